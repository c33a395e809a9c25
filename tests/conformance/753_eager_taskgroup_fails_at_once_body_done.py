# Eager tasks (3.12): a TaskGroup child that fails in its first step aborts the group inside create_task, which cancels the body's task (`_must_cancel`: it is running); the body ends without awaiting again, so `__aexit__` finds no child left, uncancels (the count is 0) and raises the ExceptionGroup at once. 3.12 leaves `_must_cancel` set (its `uncancel()` does not clear it): the task's next await raises CancelledError. 3.13 clears it at zero, as case 511: simloop follows 3.13 (`.py313.out`).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bad():
    log("bad runs")
    raise ValueError("bad")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    try:
        async with asyncio.TaskGroup() as tg:
            b = tg.create_task(bad())
            log(f"bad created, done {b.done()}, cancelling {asyncio.current_task().cancelling()}")
    except* ValueError as eg:
        log(f"group raised {eg.exceptions!r}")
    log(f"after the group, cancelling {asyncio.current_task().cancelling()}")
    try:
        await asyncio.sleep(0)
        log("main slept")
    except asyncio.CancelledError:
        log("main cancelled at its next await")
    await asyncio.sleep(0.5)
    log("main ends")


run(main())
