# Rules 7, 10: a worker cancelled between get() and task_done() leaves join() waiting; wait_for(q.join()) gives up, a late task_done releases it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, name):
    while True:
        item = await q.get()
        log(f"{name} got {item}")
        await asyncio.sleep(1)
        q.task_done()
        log(f"{name} finished {item}")


async def main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    a = asyncio.create_task(worker(q, "a"))
    b = asyncio.create_task(worker(q, "b"))
    await asyncio.sleep(0.5)
    b.cancel()
    try:
        await asyncio.wait_for(q.join(), 2)
    except TimeoutError:
        log(f"join timed out, unfinished={q._unfinished_tasks} qsize={q.qsize()}")
    q.task_done()
    await q.join()
    log("joined after the extra task_done")
    a.cancel()
    await asyncio.gather(a, b, return_exceptions=True)

run(main())
