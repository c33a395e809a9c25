# Rules 7, 9, 11: wait_for(lock.acquire()) waiting while the holder is cancelled: the waiter gets the lock before its deadline.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(lock):
    async with lock:
        log("holder in")
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            log("holder cancelled")
            raise


async def main():
    lock = asyncio.Lock()
    h = asyncio.create_task(holder(lock))
    await asyncio.sleep(0)

    async def waiter():
        await asyncio.wait_for(lock.acquire(), 1)
        log(f"waiter has the lock, locked={lock.locked()}")
        lock.release()

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0.25)
    h.cancel()
    await w
    log(f"end locked={lock.locked()}")

run(main())
