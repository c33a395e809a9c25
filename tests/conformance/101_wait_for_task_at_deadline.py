# Rule 11 (3.12+): wait_for's expiry cancels the awaited task even when it was woken at the deadline but has not run yet; the task's result is lost.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def exact():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("exact cancelled")
        raise
    log("exact finished")
    return "exact"


async def main():
    t = asyncio.create_task(exact())
    await asyncio.sleep(0)
    try:
        r = await asyncio.wait_for(t, 1)
        log(f"result {r!r}")
    except TimeoutError:
        log("TimeoutError")
    log(f"cancelled={t.cancelled()}")


run(main())
