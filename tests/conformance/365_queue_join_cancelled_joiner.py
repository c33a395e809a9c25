# Rules 7, 10: one of three tasks waiting on Queue.join is cancelled; the last task_done wakes the others in join order; a join over an empty queue returns without yielding.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def joiner(q, name):
    try:
        await q.join()
        log(f"{name} joined")
    except asyncio.CancelledError:
        log(f"{name} cancelled in join")
        raise


async def main():
    q = asyncio.Queue()
    for i in range(2):
        q.put_nowait(i)
    j1 = asyncio.create_task(joiner(q, "j1"))
    j2 = asyncio.create_task(joiner(q, "j2"))
    j3 = asyncio.create_task(joiner(q, "j3"))
    await asyncio.sleep(0.5)
    j2.cancel()
    q.get_nowait()
    q.task_done()
    log("one done")
    await asyncio.sleep(0.5)
    q.get_nowait()
    q.task_done()
    log("both done")
    await asyncio.gather(j1, j3)
    log(f"j2 cancelled={j2.cancelled()}")
    await q.join()
    log("empty join did not yield")

run(main())
