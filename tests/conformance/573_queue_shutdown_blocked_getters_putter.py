# Rule 10 (3.13): Queue.shutdown() with getters waiting on an empty queue and a producer blocked on a full one: the getters raise QueueShutDown in wait order, the producer too.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    try:
        item = await q.get()
        log(f"{name} got {item}")
    except asyncio.QueueShutDown:
        log(f"{name} shut down")


async def putter(q, item):
    try:
        await q.put(item)
        log(f"put {item}")
    except asyncio.QueueShutDown:
        log(f"put {item} shut down")


async def main():
    q = asyncio.Queue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(2)]
    await asyncio.sleep(0)
    q.shutdown()
    log("shutdown empty")
    await asyncio.gather(*gs)
    q2 = asyncio.Queue(maxsize=1)
    q2.put_nowait("x")
    p = asyncio.create_task(putter(q2, "y"))
    await asyncio.sleep(0)
    q2.shutdown()
    log(f"shutdown full qsize={q2.qsize()}")
    await p
    log(f"left {q2.get_nowait()}")
    try:
        q2.get_nowait()
    except asyncio.QueueShutDown:
        log("empty and shut down")

run(main())