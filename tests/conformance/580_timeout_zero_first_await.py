# Rule 11: asyncio.timeout(0): the body runs until its first suspension, then the expiry (queued at once) cancels it on the next pass.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def other():
    log("other runs")


async def main():
    t = asyncio.create_task(other())
    try:
        async with asyncio.timeout(0) as cm:
            log(f"body starts expired={cm.expired()}")
            await asyncio.sleep(0)
            log("body after first yield")
            await asyncio.sleep(0)
            log("never")
    except TimeoutError:
        log(f"timed out expired={cm.expired()}")
    await t

run(main())