# Rules 7, 11: `uncancel()` after catching brings `cancelling()` back to 0 and the task goes on; a later timeout then raises TimeoutError. Without `uncancel()` the count stays 1, and the timeout, which compares `uncancel()` at its exit with the count at its entry, still raises TimeoutError (3.11.7, 3.12 and 3.13 alike).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name, uncancel):
    me = asyncio.current_task()
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} caught, cancelling {me.cancelling()}")
        if uncancel:
            log(f"{name} uncancel() -> {me.uncancel()}")
    await asyncio.sleep(0.5)
    log(f"{name} slept on, cancelling {me.cancelling()}")
    try:
        async with asyncio.timeout(0.5):
            await asyncio.sleep(1)
    except TimeoutError:
        log(f"{name} TimeoutError, cancelling {me.cancelling()}")
    except asyncio.CancelledError:
        log(f"{name} CancelledError from the timeout, cancelling {me.cancelling()}")
    return name


async def main():
    for name, uncancel in (("uncancels", True), ("keeps", False)):
        t = asyncio.create_task(worker(name, uncancel))
        await asyncio.sleep(0.5)
        t.cancel()
        log(f"returned {await t!r}, cancelled {t.cancelled()}")


run(main())
