# Rules 9 and 11: a Barrier waiter given up by wait_for leaves the barrier (n_waiting drops, the barrier stays whole); arrival indexes count the parties inside, so the one who stayed and a later arrival both pass as 1.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def p(b, name, d, limit):
    await asyncio.sleep(d)
    log(f"{name} arrives, waiting={b.n_waiting}")
    try:
        i = await asyncio.wait_for(b.wait(), limit)
        log(f"{name} passes {i}, waiting={b.n_waiting}")
    except TimeoutError:
        log(f"{name} gave up, waiting={b.n_waiting} broken={b.broken}")



async def main():
    b = asyncio.Barrier(3)
    await asyncio.gather(p(b, "a", 0, 0.5), p(b, "b", 0.25, 5), p(b, "c", 1, 5), p(b, "d", 1.25, 5))
    log(f"done waiting={b.n_waiting}")



run(main())
