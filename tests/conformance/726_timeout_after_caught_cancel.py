# Rule 7, 11: a cancellation caught inside a timeout and not uncancelled: when the timeout expires later, its exit finds `uncancel()` above the count at its entry and lets the expiry's CancelledError through instead of raising TimeoutError (`wait_for` and `timeout()` alike); after `uncancel()` in the handler the expiry raises TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(label, uncancel):
    try:
        await asyncio.sleep(0.25)
    except asyncio.CancelledError as e:
        log(f"{label} caught {e!r}")
        if uncancel:
            asyncio.current_task().uncancel()
    await asyncio.sleep(1)
    return "finished"


async def timed(label, uncancel, ctx):
    try:
        if ctx:
            async with asyncio.timeout(0.5):
                r = await work(label, uncancel)
        else:
            r = await asyncio.wait_for(work(label, uncancel), 0.5)
        log(f"{label} got {r!r}")
    except TimeoutError:
        log(f"{label} TimeoutError, cancelling {asyncio.current_task().cancelling()}")
        return "timed out"
    except asyncio.CancelledError as e:
        log(f"{label} cancelled {e!r}, cancelling {asyncio.current_task().cancelling()}")
        raise


async def main():
    for label, uncancel, ctx in (("wait_for", False, False), ("timeout", False, True), ("uncancelled", True, False)):
        t = asyncio.create_task(timed(label, uncancel, ctx))
        await asyncio.sleep(0.125)
        t.cancel("stop")
        r = await asyncio.gather(t, return_exceptions=True)
        log(f"{label}: {r}, cancelled {t.cancelled()}")


run(main())
