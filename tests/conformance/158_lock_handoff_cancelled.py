# Rules 7, 9: a Lock released to a waiter that is cancelled before it runs passes on to the next waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name):
    try:
        async with lock:
            log(f"{name} holds")
            await asyncio.sleep(0.5)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    w1 = asyncio.create_task(user(lock, "w1"))
    w2 = asyncio.create_task(user(lock, "w2"))
    await asyncio.sleep(1)
    lock.release()
    w1.cancel()
    log(f"released; locked={lock.locked()}")
    await asyncio.gather(w1, w2, return_exceptions=True)
    log(f"end locked={lock.locked()}")


run(main())
