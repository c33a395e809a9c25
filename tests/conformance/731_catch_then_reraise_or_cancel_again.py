# Rule 7: after catching its own cancellation a task may raise another exception (its awaiter gets that one, the task is not cancelled), re-raise the CancelledError (it ends cancelled, with the message), or be cancelled again while it cleans up (the second cancellation is delivered, with its message); a loop that catches each cancellation counts them all in `cancelling()`.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def raises_other():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("raises_other caught")
        raise ValueError("from the cancellation")


async def reraises():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"reraises caught {e!r}")
        raise


async def cleans_up():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"cleans_up caught {e!r}")
        try:
            await asyncio.sleep(1)
        finally:
            log("cleans_up cleanup ends")
    return "unreachable"


async def loops():
    me = asyncio.current_task()
    caught = 0
    while caught < 2:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError as e:
            caught += 1
            log(f"loops caught {e!r}, cancelling {me.cancelling()}")
    return caught


async def main():
    t = asyncio.create_task(raises_other())
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except ValueError as e:
        log(f"raises_other: {e!r}, cancelled {t.cancelled()}")
    t = asyncio.create_task(reraises())
    await asyncio.sleep(0)
    t.cancel("again")
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"reraises: {e!r}, cancelled {t.cancelled()}")
    t = asyncio.create_task(cleans_up())
    await asyncio.sleep(0)
    t.cancel("first")
    await asyncio.sleep(0.5)
    t.cancel("second")
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"cleans_up: {e!r}, cancelled {t.cancelled()}")
    t = asyncio.create_task(loops())
    await asyncio.sleep(0)
    t.cancel("one")
    await asyncio.sleep(0.5)
    t.cancel("two")
    log(f"loops returned {await t}, cancelling {t.cancelling()}")


run(main())
