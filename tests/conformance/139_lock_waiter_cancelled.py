# Rules 7, 9: a task cancelled while waiting for a Lock leaves the queue; the lock passes to the next waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name, hold):
    try:
        async with lock:
            log(f"{name} holds")
            await asyncio.sleep(hold)
        log(f"{name} released")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    lock = asyncio.Lock()
    a = asyncio.create_task(user(lock, "a", 1))
    b = asyncio.create_task(user(lock, "b", 1))
    c = asyncio.create_task(user(lock, "c", 1))
    await asyncio.sleep(0.5)
    b.cancel()
    await asyncio.gather(a, b, c, return_exceptions=True)
    log(f"locked={lock.locked()}")


run(main())
