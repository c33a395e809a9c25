# Rule 7: a task awaits a gather whose one child has just ended, its done-callback not yet run; a `cancel(msg)` now finds nothing to cancel (`_GatheringFuture.cancel()` returns False), so it is the `_must_cancel` kind: the task's wake-up throws a CancelledError with the message, which it catches and re-raises, ending with the message. The gather itself is not cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

H = {}


async def quick():
    await asyncio.sleep(0)
    log("quick returns")
    return "quick"


async def gatherer():
    c = asyncio.current_task().cancelling()
    try:
        r = await asyncio.gather(H["quick"], return_exceptions=True)
        log(f"gatherer got {r}")
    except asyncio.CancelledError as e:
        log(f"gatherer caught {e!r}")
        if asyncio.current_task().cancelling() > c:
            raise


async def main():
    H["quick"] = q = asyncio.create_task(quick())
    g = asyncio.create_task(gatherer())
    log(f"main got {await q!r}")
    g.cancel("main stops it")
    try:
        await g
    except asyncio.CancelledError as e:
        log(f"main caught {e!r}, gatherer cancelled {g.cancelled()}")


run(main())
