# Rules 8, 10, 11, 12: a worker pool in a TaskGroup: workers take jobs from a Queue and run each under Semaphore(2) and wait_for; a slow job times out and is logged; a failing job aborts the group: a worker waiting on acquire() is cancelled (its job still marked done), one waiting on get() too; the ExceptionGroup carries the failure and the semaphore is left free.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    await asyncio.sleep(d)
    if name == "bad":
        raise ValueError(name)
    return name


async def worker(name, q, sem):
    while True:
        j, d = await q.get()
        log(f"{name} took {j}")
        try:
            async with sem:
                try:
                    r = await asyncio.wait_for(job(j, d), 0.25)
                    log(f"{name} finished {r}")
                except TimeoutError:
                    log(f"{name} gave up on {j}")
        except asyncio.CancelledError:
            log(f"{name} cancelled holding {j}")
            raise
        finally:
            q.task_done()


async def main():
    q = asyncio.Queue()
    for j in [("j1", 0.125), ("slow", 0.5), ("j3", 0.125), ("bad", 0.125), ("j5", 0.125), ("j6", 0.125)]:
        q.put_nowait(j)
    sem = asyncio.Semaphore(2)
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(3):
                tg.create_task(worker(f"w{i}", q, sem))
            await q.join()
            log("all jobs done")
    except* ValueError as eg:
        log(f"group failed {[str(e) for e in eg.exceptions]}")
    log(f"qsize={q.qsize()} sem locked={sem.locked()}")

run(main())
