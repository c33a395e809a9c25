# Rules 7, 9, 12: a TaskGroup child's failure cancels the parent task, which cancels the sleep the group's body awaits (no message) and queues the task; `cancel("main")` from another task before the task's turn finds `_fut_waiter` done (`_must_cancel`), and `Task.__step` keeps the wake-up's `CancelledError()` (705's rule): the body's `except CancelledError` sees no message, and the task ends with the ExceptionGroup (the group's exit swallows the cancellation it is aborting for), `cancelling()` 2 in it. A cancel() before the child fails reaches the body with its message. simloop gave the body the message. Found by scripts/differential.py (seed 8200, program 146).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fails(name):
    await asyncio.sleep(0)
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
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e!r}")
        raise
    return f"{name} returned"


async def main():
    h = asyncio.create_task(body("a"))
    for _ in range(4):
        await asyncio.sleep(0)
    h.cancel("main")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"a: {r}")
    h = asyncio.create_task(body("b"))
    for _ in range(2):
        await asyncio.sleep(0)
    h.cancel("main")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"b: {r}")


run(main())
