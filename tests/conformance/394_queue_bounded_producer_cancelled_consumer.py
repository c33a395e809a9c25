# Rules 7, 10: a bounded Queue(1): two blocked producers, the first cancelled; the consumer's get admits the second; join counts only what was put.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, item):
    try:
        await q.put(item)
        log(f"put {item}")
    except asyncio.CancelledError:
        log(f"producer {item} cancelled")
        raise


async def consumer(q, n):
    for _ in range(n):
        item = await q.get()
        log(f"got {item}")
        q.task_done()
        await asyncio.sleep(0.5)


async def main():
    q = asyncio.Queue(1)
    q.put_nowait("first")
    p1 = asyncio.create_task(producer(q, "p1"))
    p2 = asyncio.create_task(producer(q, "p2"))
    p3 = asyncio.create_task(producer(q, "p3"))
    await asyncio.sleep(0.5)
    p1.cancel()
    c = asyncio.create_task(consumer(q, 3))
    await q.join()
    log(f"joined, qsize={q.qsize()}")
    await asyncio.gather(p1, p2, p3, c, return_exceptions=True)
    log(f"p1 cancelled={p1.cancelled()}")

run(main())
