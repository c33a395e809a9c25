# Rules 7, 12: `cancelling()` of a TaskGroup child that the group's abort cancelled stays 1 once it ended, whether it was cancelled before its first step or while sleeping, and after it was awaited; a child that finished reads 0. The scenario language read 0 once the child had been awaited. Found by scripts/differential.py (seed 2100, program 375).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            early = tg.create_task(job(1), name="early")
            raise ValueError("first body")
    except Exception as e:
        log(f"group {e}")
    try:
        async with asyncio.TaskGroup() as tg:
            late = tg.create_task(job(1), name="late")
            done = tg.create_task(job(0.125), name="done")
            await asyncio.sleep(0.25)
            raise ValueError("second body")
    except Exception as e:
        log(f"group {e}")
    for t in (early, late, done):
        name = t.get_name()
        log(f"{name} cancelling={t.cancelling()} cancelled={t.cancelled()}")
        try:
            log(f"{name} returned {await t}")
        except asyncio.CancelledError:
            log(f"{name} raised CancelledError")
        log(f"{name} cancelling={t.cancelling()} after the await")


run(main())
