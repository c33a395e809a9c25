# Rules 9, 11: wait_for(cond.wait()) expires while another task holds the lock: TimeoutError comes only once the waiter has re-acquired the lock.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(cond):
    async with cond:
        log("holder has the lock")
        await asyncio.sleep(0.5)
        log("holder releases")


async def main():
    cond = asyncio.Condition()
    async with cond:
        h = asyncio.create_task(holder(cond))
        try:
            await asyncio.wait_for(cond.wait(), 0.25)
        except TimeoutError:
            log("timed out")
        except asyncio.CancelledError:
            log("cancelled")
    log("left the condition")
    await h
    log(f"end locked={cond.locked()}")

run(main())
