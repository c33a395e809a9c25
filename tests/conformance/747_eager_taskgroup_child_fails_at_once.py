# Eager tasks (3.12): a TaskGroup child that fails in its first step aborts the group inside create_task: its sibling already suspended is cancelled, the body is cancelled at its next await, and the group raises an ExceptionGroup.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bad():
    log("bad runs")
    raise ValueError("bad")


async def slow():
    log("slow first step")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("slow cancelled")
        raise


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    try:
        async with asyncio.TaskGroup() as tg:
            s = tg.create_task(slow())
            log("slow created")
            b = tg.create_task(bad())
            log(f"bad created, done {b.done()}, slow cancelling {s.cancelling()}")
            try:
                await asyncio.sleep(0.5)
                log("body slept")
            except asyncio.CancelledError:
                log("body cancelled")
                raise
    except* ValueError as eg:
        log(f"group raised {eg.exceptions!r}")
    log(f"slow cancelled {s.cancelled()}, current cancelling {asyncio.current_task().cancelling()}")


run(main())
