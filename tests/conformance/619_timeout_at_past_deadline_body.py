# Rule 11: timeout_at with a deadline already past: the body runs until its first suspension, then TimeoutError; a body that never suspends finishes.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.25)
    try:
        async with asyncio.timeout_at(loop.time() - 0.125) as cm:
            log("body starts")
            await asyncio.sleep(0)
            log("not reached")
    except TimeoutError:
        log(f"timed out expired={cm.expired()}")
    async with asyncio.timeout_at(loop.time() - 0.125) as cm2:
        log("body without await")
    log(f"second expired={cm2.expired()}")

run(main())
