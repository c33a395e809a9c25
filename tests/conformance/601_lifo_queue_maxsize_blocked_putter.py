# Rule 10: a bounded LifoQueue: put_nowait on a full one raises QueueFull; a blocked producer is admitted when a get frees a slot; gets take the newest item at their turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def producer(q, item):
    await q.put(item)
    log(f"put {item} qsize={q.qsize()}")


async def main():
    q = asyncio.LifoQueue(maxsize=2)
    q.put_nowait(1)
    q.put_nowait(2)
    try:
        q.put_nowait(3)
    except asyncio.QueueFull:
        log(f"QueueFull full={q.full()}")
    p = asyncio.create_task(producer(q, 4))
    await asyncio.sleep(0)
    log(f"got {q.get_nowait()}")
    log(f"got {await q.get()}")
    await p
    while not q.empty():
        log(f"drain {q.get_nowait()}")
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        log("QueueEmpty")

run(main())
