# Rules 7, 9, eager tasks: a task catches a cancellation without `uncancel()` (`cancelling()` stays 1), then enters a TaskGroup whose child fails in its first step, inside `create_task`: the group cancels the running task (`_must_cancel`), and the body ends without awaiting again, so `__aexit__`'s `uncancel()` leaves 1, not 0, and neither 3.12 nor 3.13 clears `_must_cancel`: after the group raises its failure, the task's next await is cancelled at once, `CancelledError()`. A body that raises after the child's failure, and two caught cancellations (2 left), the same. simloop withdrew the abort's cancellation whatever the count. Found by scripts/differential.py (seed 8400, program 157).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fails(name):
    log(f"{name} child fails")
    raise ValueError(name)


async def body(name, caught, raises):
    me = asyncio.current_task()
    try:
        for _ in range(caught):
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError as e:
                log(f"{name} caught {e!r}, cancelling {me.cancelling()}")
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(fails(name))
                log(f"{name} body ends, cancelling {me.cancelling()}")
                if raises:
                    raise KeyError(name)
        except ExceptionGroup as eg:
            log(f"{name} group raised {eg.exceptions!r}, cancelling {me.cancelling()}")
        await asyncio.sleep(0.25)
        log(f"{name} slept on")
    except asyncio.CancelledError as e:
        log(f"{name} next await cancelled {e!r}, cancelling {me.cancelling()}")
        raise


async def run_one(name, caught, raises):
    h = asyncio.create_task(body(name, caught, raises))
    for i in range(caught):
        await asyncio.sleep(0)
        h.cancel(f"main{i}")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"{name}: {r}")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    await run_one("a", 1, False)
    await run_one("b", 1, True)
    await run_one("c", 2, False)


run(main())
