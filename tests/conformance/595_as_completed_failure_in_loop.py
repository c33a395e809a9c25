# Rule 12: as_completed with a timeout no task reaches: a failure is raised by its await in completion order, the loop goes on; no TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        log(f"{name} raises")
        raise ValueError(name)
    log(f"{name} finished")
    return name


async def main():
    ts = [asyncio.create_task(work("a", 0.25)), asyncio.create_task(work("b", 0.125, True)), asyncio.create_task(work("c", 0.375))]
    for c in asyncio.as_completed(ts, timeout=1):
        try:
            log(f"got {await c}")
        except ValueError as e:
            log(f"failed {e}")
    log("end")

run(main())