# Rule 11: timeout(0) around sleep(0): the expiry, queued with call_soon as the timeout is entered, runs before the body resumes; a body that never awaits leaves in time.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    try:
        async with asyncio.timeout(0) as cm:
            log("body starts")
            await asyncio.sleep(0)
            log("after sleep0")
            await asyncio.sleep(0)
            log("after second sleep0")
    except TimeoutError:
        log(f"timed out expired={cm.expired()}")
    try:
        async with asyncio.timeout(0):
            log("second body, no await")
        log("second body left in time")
    except TimeoutError:
        log("second timed out")

run(main())
