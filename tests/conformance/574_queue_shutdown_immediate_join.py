# Rule 10 (3.13): Queue.shutdown(immediate=True) drops the items left, and takes them off the count: join waits only for the item taken before; a task_done too many is an error.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def joiner(q):
    await q.join()
    log(f"joined qsize={q.qsize()}")


async def main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    item = q.get_nowait()
    j = asyncio.create_task(joiner(q))
    await asyncio.sleep(0)
    q.shutdown(immediate=True)
    log(f"shutdown immediate qsize={q.qsize()}")
    await asyncio.sleep(0)
    log(f"join still waits for item {item}: done={j.done()}")
    q.task_done()
    log(f"task_done for {item}")
    await j
    try:
        q.task_done()
    except ValueError as e:
        log(f"task_done again: {e}")

run(main())