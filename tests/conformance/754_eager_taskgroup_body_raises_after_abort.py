# Eager tasks (3.12): a TaskGroup child fails in its first step, which aborts the group inside create_task (its suspended sibling is cancelled once); the body then raises without awaiting: `__aexit__` aborts only a group not aborting yet, so the sibling is not cancelled a second time (`cancelling()` 1), and the ExceptionGroup holds the child's failure and the body's.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def slow():
    log("slow first step")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"slow cancelled, cancelling {asyncio.current_task().cancelling()}")
        raise


async def bad():
    log("bad runs")
    raise ValueError("bad")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    try:
        async with asyncio.TaskGroup() as tg:
            s = tg.create_task(slow())
            tg.create_task(bad())
            log(f"bad created, slow cancelling {s.cancelling()}")
            raise ValueError("body")
    except* ValueError as eg:
        log(f"group raised {eg.exceptions!r}")
    log(f"slow cancelled {s.cancelled()}, cancelling {s.cancelling()}")


run(main())
