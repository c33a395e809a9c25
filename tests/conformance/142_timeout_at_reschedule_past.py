# Rule 11: timeout_at with an absolute deadline; reschedule(None) disarms it; rescheduling into the past fires on the next pass.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout_at(loop.time() + 1) as cm:
        cm.reschedule(None)
        await asyncio.sleep(2)
        log(f"survived, when={cm.when()}")
    try:
        async with asyncio.timeout(5) as cm:
            await asyncio.sleep(0.5)
            cm.reschedule(loop.time() - 1)
            log("rescheduled into the past")
            await asyncio.sleep(0)
            log("never: the past deadline fires first")
    except TimeoutError:
        log(f"expired={cm.expired()}")
    try:
        async with asyncio.timeout_at(loop.time() - 1):
            log("body starts")
            await asyncio.sleep(1)
    except TimeoutError:
        log("past deadline raised")


run(main())
