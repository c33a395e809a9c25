# Rules 7, 9, 11: a Lock holder cancelled while two waiters are under wait_for, one expiring at that instant (armed first): the lock goes to the waiter still waiting.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(lock):
    async with lock:
        log("holder has it")
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            log("holder cancelled")
            raise


async def waiter(lock, name, t):
    try:
        await asyncio.wait_for(lock.acquire(), t)
        log(f"{name} acquired")
        await asyncio.sleep(0.5)
        lock.release()
    except TimeoutError:
        log(f"{name} timed out")


async def main():
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    h = asyncio.create_task(holder(lock))
    await asyncio.sleep(0)
    w1 = asyncio.create_task(waiter(lock, "w1", 1))
    w2 = asyncio.create_task(waiter(lock, "w2", 3))
    await asyncio.sleep(0)
    loop.call_later(1, h.cancel)
    await asyncio.gather(h, w1, w2, return_exceptions=True)
    log(f"locked={lock.locked()}")

run(main())
