# Rules 7, 11: a body that catches the CancelledError of its timeout's expiry goes on (it may sleep) and the timeout exits without TimeoutError, `expired()` true, its request counted in `cancelling()` until the exit; `wait_for` returns the value of a coroutine that caught its expiry; a timeout inside a catch raises TimeoutError, which the catch does not see; a cancellation from outside during a timeout inside a catch is caught as a CancelledError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def in_timeout():
    me = asyncio.current_task()
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError as e:
            log(f"in_timeout caught {e!r}, cancelling {me.cancelling()}, expired {cm.expired()}")
            await asyncio.sleep(0.5)
            log(f"in_timeout cleaned up, cancelling {me.cancelling()}")
    log(f"in_timeout exited, expired {cm.expired()}, cancelling {me.cancelling()}")
    return "in_timeout"


async def body():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        log("wait_for body caught")
        await asyncio.sleep(0.25)
        return "late value"


async def timeout_inside():
    try:
        async with asyncio.timeout(0.5):
            await asyncio.sleep(5)
    except asyncio.CancelledError:
        log("timeout_inside: CancelledError (not expected)")
    except TimeoutError:
        log("timeout_inside: TimeoutError")
    return "timeout_inside"


async def outside_cancel():
    try:
        async with asyncio.timeout(5):
            await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        log(f"outside_cancel caught {e!r}")
    except TimeoutError:
        log("outside_cancel: TimeoutError (not expected)")
    return "outside_cancel"


async def main():
    log(f"returned {await in_timeout()!r}")
    r = await asyncio.wait_for(body(), 1)
    log(f"wait_for returned {r!r}, cancelling {asyncio.current_task().cancelling()}")
    log(f"returned {await timeout_inside()!r}")
    t = asyncio.create_task(outside_cancel())
    await asyncio.sleep(1)
    t.cancel("from main")
    log(f"returned {await t!r}, cancelling {t.cancelling()}")


run(main())
