# Rule 9: Barrier.abort breaks the barrier for the current waiters and for later ones.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed {i}")
    except asyncio.BrokenBarrierError:
        log(f"{name} saw a broken barrier")


async def main():
    b = asyncio.Barrier(3)
    ts = [asyncio.create_task(party(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(1)
    log(f"waiting={b.n_waiting} broken={b.broken}")
    await b.abort()
    log(f"aborted, broken={b.broken}")
    await asyncio.gather(*ts)
    await party(b, "late")


run(main())
