# Rule 9: Barrier.abort breaks current waiters and refuses later ones; reset() repairs it and a new round passes with the last arrival first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed index {i}")
    except asyncio.BrokenBarrierError:
        log(f"{name} broken")


async def main():
    b = asyncio.Barrier(3)
    ps = [asyncio.create_task(party(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(0)
    await b.abort()
    log(f"aborted, broken={b.broken} waiting={b.n_waiting}")
    await asyncio.sleep(0)
    late = asyncio.create_task(party(b, "late"))
    await asyncio.gather(*ps, late)
    await b.reset()
    log(f"reset, broken={b.broken}")
    qs = [asyncio.create_task(party(b, f"q{i}")) for i in range(3)]
    await asyncio.gather(*qs)

run(main())
