# Rule 10: Queue.join with nothing unfinished returns without yielding; task_done before any get is an error; two joiners wake in join order after the last task_done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def joiner(q, name):
    await q.join()
    log(f"{name} joined")


async def main():
    q = asyncio.Queue()
    await q.join()
    log("join on empty returned")
    try:
        q.task_done()
    except ValueError as e:
        log(f"task_done: {e}")
    q.put_nowait(1)
    q.put_nowait(2)
    j1 = asyncio.create_task(joiner(q, "j1"))
    j2 = asyncio.create_task(joiner(q, "j2"))
    await asyncio.sleep(0)
    q.get_nowait()
    q.task_done()
    log(f"one done, unfinished={q._unfinished_tasks}")
    await asyncio.sleep(0)
    q.get_nowait()
    q.task_done()
    log("two done")
    await asyncio.gather(j1, j2)
    log("end")

run(main())