# Rule 11: asyncio.timeout's when() and reschedule() from inside the body; expired() before and after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(1) as cm:
            log(f"when={cm.when() - loop.time()}")
            await asyncio.sleep(0.5)
            cm.reschedule(loop.time() + 1)
            log(f"moved to +1, expired={cm.expired()}")
            await asyncio.sleep(0.75)
            log("still inside")
            cm.reschedule(None)
            await asyncio.sleep(2)
            log("no deadline, slept 2")
            cm.reschedule(loop.time() + 0.25)
            await asyncio.sleep(1)
    except TimeoutError:
        log(f"timed out, expired={cm.expired()}")
    async with asyncio.timeout(2) as cm2:
        await asyncio.sleep(1)
    log(f"finished in time, expired={cm2.expired()}")

run(main())
