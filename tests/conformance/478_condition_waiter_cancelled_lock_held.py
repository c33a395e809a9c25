# Rules 7, 9: a Condition waiter cancelled while another task holds the lock ends only when it re-acquires the lock, in turn behind the lock's waiters.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} woke")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={cond.locked()}")
        raise


async def holder(cond):
    async with cond:
        log("holder has the lock")
        await asyncio.sleep(0.5)
        log("holder releases")


async def main():
    cond = asyncio.Condition()
    w = asyncio.create_task(waiter(cond, "w"))
    await asyncio.sleep(0)
    h = asyncio.create_task(holder(cond))
    await asyncio.sleep(0.25)
    w.cancel()
    await asyncio.sleep(0)
    log(f"w done={w.done()}")
    await asyncio.gather(w, h, return_exceptions=True)
    log(f"end locked={cond.locked()}")

run(main())
