# Rules 9, 11: a Barrier waiter under wait_for times out: the barrier breaks (asyncio's wait() cancelled breaks it), the others see BrokenBarrierError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name, t):
    try:
        i = await asyncio.wait_for(b.wait(), t)
        log(f"{name} passed {i}")
    except TimeoutError:
        log(f"{name} timed out")
    except asyncio.BrokenBarrierError:
        log(f"{name} broken")


async def main():
    b = asyncio.Barrier(3)
    ts = [asyncio.create_task(party(b, "p0", 1)), asyncio.create_task(party(b, "p1", 5))]
    await asyncio.gather(*ts)
    log(f"broken={b.broken} waiting={b.n_waiting}")

run(main())
