# Rule 10: a bounded PriorityQueue fed with put_nowait until QueueFull, a producer blocked on it admitted as a consumer takes the smallest items, task_done/join; a LifoQueue emptied with get_nowait until QueueEmpty, and a waiting getter that takes the last item put.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, items):
    for item in items:
        await q.put(item)
        log(f"put {item}, qsize={q.qsize()}")


async def consumer(q, name, n):
    for _ in range(n):
        item = await q.get()
        log(f"{name} got {item}")
        await asyncio.sleep(0.25)
        q.task_done()


async def getter(q, name):
    item = await q.get()
    log(f"{name} got {item}, qsize={q.qsize()}")


async def main():
    pq = asyncio.PriorityQueue(maxsize=2)
    pq.put_nowait([3, "low"])
    pq.put_nowait([1, "high"])
    try:
        pq.put_nowait([2, "mid"])
    except asyncio.QueueFull:
        log(f"QueueFull at qsize={pq.qsize()} full={pq.full()}")
    p = asyncio.create_task(producer(pq, [[2, "mid"], [0, "urgent"], [5, "last"]]))
    await asyncio.sleep(0)
    log(f"producer blocked, qsize={pq.qsize()}")
    c = asyncio.create_task(consumer(pq, "c", 5))
    await pq.join()
    log(f"priority queue joined, empty={pq.empty()}")
    await asyncio.gather(p, c)
    try:
        pq.get_nowait()
    except asyncio.QueueEmpty:
        log("priority queue: QueueEmpty")
    lq = asyncio.LifoQueue()
    for i in range(3):
        lq.put_nowait(f"job{i}")
    log(f"lifo holds {lq.qsize()}, maxsize={lq.maxsize}")
    try:
        for _ in range(5):
            item = lq.get_nowait()
            log(f"lifo gave {item}")
    except asyncio.QueueEmpty:
        log(f"lifo: QueueEmpty, empty={lq.empty()}")
    g = asyncio.create_task(getter(lq, "g"))
    await asyncio.sleep(0)
    lq.put_nowait("x")
    lq.put_nowait("y")
    log("put x then y")
    await g
    log(f"left {lq.get_nowait()}")


run(main())
