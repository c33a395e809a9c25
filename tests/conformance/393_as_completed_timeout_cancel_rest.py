# Rules 7, 12: as_completed over tasks with a timeout; the caller then cancels the tasks still running, found with all_tasks() (sorted by name).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    try:
        await asyncio.sleep(delay)
        log(f"{name} done")
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    try:
        ts = [asyncio.create_task(job("a", 2)), asyncio.create_task(job("b", 0.5)), asyncio.create_task(job("c", 3))]
        for f in asyncio.as_completed(ts, timeout=1):
            log(f"got {await f}")
    except TimeoutError:
        log("timed out")
    me = asyncio.current_task()
    rest = sorted((t for t in asyncio.all_tasks() if t is not me), key=lambda t: t.get_name())
    log(f"{len(rest)} still running")
    for t in rest:
        t.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log("end")

run(main())
