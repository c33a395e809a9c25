# Rules 7, 10: a task blocked in Queue.join() cancelled from outside; the other joiner is released by the last task_done().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def joiner(q, name):
    try:
        await q.join()
        log(f"{name} joined")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    q = asyncio.Queue()
    q.put_nowait(1)
    q.put_nowait(2)
    js = [asyncio.create_task(joiner(q, f"j{i}")) for i in range(2)]
    await asyncio.sleep(0)
    js[0].cancel()
    q.get_nowait()
    q.task_done()
    await asyncio.sleep(0.125)
    q.get_nowait()
    q.task_done()
    log("all done")
    res = await asyncio.gather(*js, return_exceptions=True)
    log(f"results {[type(r).__name__ for r in res]}")

run(main())
