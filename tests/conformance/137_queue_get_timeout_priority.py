# Rule 10: a get() given up by wait_for loses no item; PriorityQueue and LifoQueue order; getters served in the order they waited.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    item = await q.get()
    log(f"{name} got {item}")


async def main():
    q = asyncio.Queue()
    try:
        await asyncio.wait_for(q.get(), timeout=0.5)
    except TimeoutError:
        log("get timed out")
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(2)]
    await asyncio.sleep(0)
    q.put_nowait("first")
    q.put_nowait("second")
    log(f"put two, size={q.qsize()}")
    await asyncio.gather(*gs)
    pq = asyncio.PriorityQueue()
    for item in [(3, "c"), (1, "a"), (2, "b")]:
        pq.put_nowait(item)
    log(f"priority: {[pq.get_nowait()[1] for _ in range(3)]}")
    lq = asyncio.LifoQueue(maxsize=2)
    await lq.put(1)
    await lq.put(2)
    try:
        lq.put_nowait(3)
    except asyncio.QueueFull:
        log("QueueFull")
    log(f"lifo: {[lq.get_nowait(), lq.get_nowait()]}")


run(main())
