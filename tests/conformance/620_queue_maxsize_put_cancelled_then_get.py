# Rules 7, 10: a bounded Queue with two blocked producers; the first is cancelled; a get admits the second; join counts only items put.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def producer(q, item):
    try:
        await q.put(item)
        log(f"put {item}")
    except asyncio.CancelledError:
        log(f"put {item} cancelled")
        raise


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait("x")
    p1 = asyncio.create_task(producer(q, "y"))
    p2 = asyncio.create_task(producer(q, "z"))
    await asyncio.sleep(0)
    p1.cancel()
    await asyncio.sleep(0)
    log(f"got {await q.get()}")
    q.task_done()
    await asyncio.sleep(0)
    log(f"qsize={q.qsize()}")
    log(f"got {q.get_nowait()}")
    q.task_done()
    await q.join()
    await asyncio.gather(p1, p2, return_exceptions=True)
    log("joined")

run(main())
