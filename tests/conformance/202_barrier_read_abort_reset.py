# Rule 9: a Barrier(3) read as it fills (parties, n_waiting, broken); the last arrival passes first; abort() breaks it for the waiters and for a late comer; reset() makes it usable again.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name, delay):
    await asyncio.sleep(delay)
    log(f"{name} arrives, waiting={b.n_waiting}")
    try:
        i = await b.wait()
        log(f"{name} passes as {i}")
    except asyncio.BrokenBarrierError:
        log(f"{name} sees a broken barrier, broken={b.broken}")


async def main():
    b = asyncio.Barrier(3)
    log(f"parties={b.parties} waiting={b.n_waiting} broken={b.broken}")
    ps = [asyncio.create_task(party(b, f"p{i}", d)) for i, d in enumerate([0.5, 0.25, 0.75])]
    await asyncio.gather(*ps)
    log(f"round over, waiting={b.n_waiting}")
    qs = [asyncio.create_task(party(b, f"q{i}", 0.25)) for i in range(2)]
    await asyncio.sleep(0.5)
    log(f"waiting={b.n_waiting}, q0 done={qs[0].done()}")
    await b.abort()
    log(f"aborted, broken={b.broken}")
    await asyncio.gather(*qs)
    log(f"q0 done={qs[0].done()} cancelled={qs[0].cancelled()}")
    await party(b, "late", 0)
    await b.reset()
    log(f"reset, broken={b.broken} waiting={b.n_waiting}")
    rs = [asyncio.create_task(party(b, f"r{i}", 0.125 * i)) for i in range(3)]
    await asyncio.gather(*rs)
    log(f"done, waiting={b.n_waiting}")


run(main())
