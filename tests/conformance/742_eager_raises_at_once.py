# Eager tasks (3.12): a task that raises in its first step is done with the exception when create_task returns; awaiting it raises it; one that raises after suspending fails as any task.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bad():
    log("bad runs")
    raise ValueError("boom")


async def later():
    log("later runs")
    await asyncio.sleep(0)
    log("later raises")
    raise KeyError("k")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    t = asyncio.create_task(bad())
    log(f"bad created: done {t.done()}, exception {t.exception()!r}")
    u = asyncio.create_task(later())
    log(f"later created: done {u.done()}")
    try:
        await t
    except ValueError as e:
        log(f"await bad raised {e!r}")
    try:
        await u
    except KeyError as e:
        log(f"await later raised {e!r}")


run(main())
