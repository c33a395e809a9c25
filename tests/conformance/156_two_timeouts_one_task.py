# Rules 7, 11: two callers await one task under different timeouts; the first expiry cancels the task, so the second caller sees CancelledError, not TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        log("work cancelled")
        raise
    return "done"


async def caller(t, name, limit):
    try:
        async with asyncio.timeout(limit):
            log(f"{name} got {await t}")
    except TimeoutError:
        log(f"{name}: TimeoutError")
    except asyncio.CancelledError:
        log(f"{name}: CancelledError")
        raise


async def main():
    t = asyncio.create_task(work())
    c1 = asyncio.create_task(caller(t, "c1", 1))
    c2 = asyncio.create_task(caller(t, "c2", 3))
    res = await asyncio.gather(c1, c2, return_exceptions=True)
    log(f"callers: {[type(r).__name__ for r in res]}")


run(main())
