# Rule 11: timeout(0) and timeout_at(now): a body that never suspends finishes; one that yields once times out.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(0) as cm:
        log("no await inside")
    log(f"first exited, expired={cm.expired()}")
    try:
        async with asyncio.timeout(0):
            log("before sleep(0)")
            await asyncio.sleep(0)
            log("never")
    except TimeoutError:
        log("sleep(0) timed out")
    try:
        async with asyncio.timeout_at(loop.time()):
            await asyncio.sleep(1)
    except TimeoutError:
        log("timeout_at(now) timed out")

run(main())
