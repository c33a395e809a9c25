# Rule 7, 9, 12: a task waits in its TaskGroup's exit; the group's last child ends (failing, or returning) and, in the same pass before the group's done-callback runs, the task is cancelled, then another task. asyncio's cancel() cancels the future __aexit__ awaits, whose wake-up is queued behind the child's done-callback: at that turn __aexit__ finds no child left and raises at once (the ExceptionGroup, which the task catches, or the CancelledError), before the other task's cancellation is delivered. simloop resumed the task one entry late, after the other task. Found by scripts/differential.py (seed 2300, program 73).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(fails):
    await asyncio.sleep(0.5)
    if fails:
        raise ValueError("child")


async def holder(name, fails):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(fails))
        log(f"{name}: group done")
    except Exception as e:
        log(f"{name}: caught {type(e).__name__} {e}")
    except asyncio.CancelledError:
        log(f"{name}: cancelled")
        raise


async def other(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name}: other cancelled")
        raise


async def main():
    for name, fails in [("failing child", True), ("returning child", False)]:
        h = asyncio.create_task(holder(name, fails))
        await asyncio.sleep(0.25)
        o = asyncio.create_task(other(name))
        await asyncio.sleep(0.25)
        h.cancel()
        o.cancel()
        r = await asyncio.gather(h, o, return_exceptions=True)
        log(f"{name}: {r}")


run(main())
