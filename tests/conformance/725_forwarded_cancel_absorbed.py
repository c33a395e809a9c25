# Rule 7, 12: a task awaiting another is cancelled; the cancellation is forwarded to the awaited task, which waits in its TaskGroup's exit: the exit takes it (the group aborts), then the child's failure comes, so the exit raises the ExceptionGroup, which the task catches before returning a value. The awaiter gets that value and is not cancelled (its request was forwarded, `_fut_waiter.cancel()`, not `_must_cancel`); `cancelling()` still counts it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def failing():
    raise ValueError("boom")


async def inner():
    await asyncio.sleep(0.125)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failing())
    except Exception as e:
        log(f"inner caught {e!r}")
    return "inner value"


async def outer():
    t = asyncio.create_task(inner())
    try:
        v = await t
        log(f"outer got {v!r}, cancelling {asyncio.current_task().cancelling()}")
        return v
    except asyncio.CancelledError as e:
        log(f"outer cancelled {e!r}")
        raise


async def main():
    o = asyncio.create_task(outer())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0.125)
    o.cancel("stop")
    r = await asyncio.gather(o, return_exceptions=True)
    log(f"outer {r}, cancelled {o.cancelled()}")


run(main())
