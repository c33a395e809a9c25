# Rules 7, 10: a producer blocked on a full Queue is cancelled; a get admits the next blocked producer, join counts only what was put.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, item):
    try:
        await q.put(item)
        log(f"put {item}")
    except asyncio.CancelledError:
        log(f"{item} not put")
        raise


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait("first")
    ps = [asyncio.create_task(producer(q, f"p{i}")) for i in range(3)]
    await asyncio.sleep(0.5)
    ps[0].cancel()
    await asyncio.sleep(0)
    log(f"got {q.get_nowait()}")
    q.task_done()
    await asyncio.sleep(0)
    log(f"unfinished={q._unfinished_tasks} qsize={q.qsize()}")
    log(f"got {await q.get()}")
    q.task_done()
    log(f"got {await q.get()}")
    q.task_done()
    await q.join()
    log("joined")
    await asyncio.gather(*ps, return_exceptions=True)

run(main())
