# Rule 12: as_completed's timeout: results queued before it passed are still yielded first, then TimeoutError for each task left; a run where every task ends in time raises nothing.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} ended")
    return name


async def main():
    tasks = [asyncio.create_task(job(n, d)) for n, d in [("a", 0.25), ("b", 0.5), ("c", 2)]]
    it = asyncio.as_completed(tasks, timeout=1)
    log(f"got {await next(it)}")
    await asyncio.sleep(1.5)
    log("consumer back")
    for fut in it:
        try:
            log(f"got {await fut}")
        except TimeoutError:
            log("TimeoutError")
    await tasks[2]
    for fut in asyncio.as_completed([job("d", 0.5), job("e", 0.25)], timeout=1):
        log(f"got {await fut}")
    await asyncio.sleep(1)
    log("end")


run(main())
