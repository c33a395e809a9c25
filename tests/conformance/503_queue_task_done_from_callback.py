# Rules 5, 10: task_done() called from call_soon callbacks releases join() one slot after the last callback.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def joiner(q):
    await q.join()
    log("joined")


async def main():
    loop = asyncio.get_running_loop()
    q = asyncio.Queue()
    for i in range(2):
        q.put_nowait(i)
    j = asyncio.create_task(joiner(q))
    await asyncio.sleep(0)
    q.get_nowait()
    q.get_nowait()
    loop.call_soon(q.task_done)
    loop.call_soon(log, "between")
    loop.call_soon(q.task_done)
    loop.call_soon(log, "after last")
    await j
    log("end")

run(main())
