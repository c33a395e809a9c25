# Rules 7, 9, 12, eager tasks: with `eager_task_factory`, a TaskGroup child that fails in its first step cancels the parent task inside `create_task`; the body's first await is then cancelled at once (`_must_cancel` at the end of the step), and a `cancel("main")` before the task's next turn finds `_fut_waiter` done: the body's `except CancelledError` sees `CancelledError()` (705's rule), `cancelling()` 2, and the group raises the failure. simloop gave the body the message. Found by scripts/differential.py (seed 8200, program 146, as saved: eager).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fails(name):
    log(f"{name} child fails")
    raise ValueError(name)


async def body(name):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fails(name))
            try:
                await asyncio.sleep(0.25)
            except asyncio.CancelledError as e:
                log(f"{name} body caught {e!r}, cancelling {asyncio.current_task().cancelling()}")
                raise
    except ExceptionGroup as eg:
        log(f"{name} group raised {eg.exceptions[0]!r}, cancelling {asyncio.current_task().cancelling()}")
    return f"{name} returned"


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    h = asyncio.create_task(body("a"))
    h.cancel("main")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"a: {r}")
    h = asyncio.create_task(body("b"))
    await asyncio.sleep(0)
    h.cancel("main")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"b: {r}")


run(main())
