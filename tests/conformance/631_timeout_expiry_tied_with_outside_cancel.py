# Rules 4, 7, 11: a timeout expiring at the instant the task is cancelled from outside (the cancel armed first): the cancellation propagates as CancelledError, not TimeoutError; expired() is True.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def body():
    cm = None
    try:
        async with asyncio.timeout(0.25) as cm:
            await asyncio.sleep(1)
    except TimeoutError:
        log("body timed out")
    except asyncio.CancelledError:
        log(f"body cancelled expired={cm.expired()}")
        raise


async def main():
    loop = asyncio.get_running_loop()
    holder = {}
    loop.call_later(0.25, lambda: holder["t"].cancel())
    holder["t"] = t = asyncio.create_task(body())
    try:
        await t
    except asyncio.CancelledError:
        log(f"t cancelled={t.cancelled()}")

run(main())
