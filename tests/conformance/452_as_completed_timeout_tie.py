# Rules 4, 12: as_completed with a timeout equal to a task's end: the task's timer armed first, its result is yielded before the timeout; the rest raise TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    ts = [asyncio.create_task(job(n, d)) for n, d in (("a", 1), ("b", 0.5), ("c", 2))]
    await asyncio.sleep(0)
    try:
        for aw in asyncio.as_completed(ts, timeout=1):
            log(f"got {await aw}")
    except TimeoutError:
        log("timed out")
    log(f"c done={ts[2].done()}")
    await ts[2]
    log("end")

run(main())
