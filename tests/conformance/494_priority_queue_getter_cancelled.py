# Rules 7, 10: a PriorityQueue getter cancelled while waiting; items put in one step go to the remaining getters, smallest first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    try:
        item = await q.get()
        log(f"{name} got {item}")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    q = asyncio.PriorityQueue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(0)
    gs[1].cancel()
    for item in (5, 1, 3):
        q.put_nowait(item)
    log("put 5, 1, 3")
    await asyncio.gather(*gs, return_exceptions=True)
    log(f"left {q.get_nowait()}")

run(main())
