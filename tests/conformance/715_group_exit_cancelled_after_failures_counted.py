# Rule 7, 9, 12: a task waits in its TaskGroup's exit, the group aborting (a child failed, the other was cancelled); the last child's done-callback ends the wait and queues the task, then another task cancels it before its turn. asyncio's cancel() finds _fut_waiter done (_must_cancel), and the step throws the CancelledError into __aexit__'s wait, which swallows it (it is aborting) and raises the ExceptionGroup: the task catches it and goes on. simloop delivered the cancellation after the body went on, at its next await. Found by scripts/differential.py (seed 5000, program 613).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fails(name):
    await asyncio.sleep(0.25)
    raise ValueError(name)


async def slow():
    await asyncio.sleep(0.375)


async def holder():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fails("holder's child"))
            tg.create_task(slow())
    except Exception as e:
        log(f"holder caught {type(e).__name__} {e!r}")
    await asyncio.sleep(0)
    log("holder goes on")
    return "done"


async def main():
    h = asyncio.create_task(holder())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(slow())
            tg.create_task(fails("main's child"))
    except Exception as e:
        log(f"main caught {type(e).__name__} {e!r}")
    h.cancel()
    try:
        log(f"holder returned {await h!r}")
    except asyncio.CancelledError as e:
        log(f"holder ended {e!r}")


run(main())
