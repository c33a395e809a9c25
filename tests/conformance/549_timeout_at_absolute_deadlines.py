# Rule 11: timeout_at with an absolute deadline shared by two sequential bodies: the second expires at the same instant.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def main():
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.375
    async with asyncio.timeout_at(deadline):
        await asyncio.sleep(0.25)
        log("first body done")
    try:
        async with asyncio.timeout_at(deadline):
            await asyncio.sleep(0.25)
            log("not reached")
    except TimeoutError:
        log("second body timed out")

run(main())
