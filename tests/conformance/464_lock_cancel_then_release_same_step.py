# Rules 7, 9: the first Lock waiter cancelled, then the lock released in the same step: the lock goes to the second waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name):
    try:
        async with lock:
            log(f"{name} holds")
            await asyncio.sleep(0.25)
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={lock.locked()}")
        raise


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    us = [asyncio.create_task(user(lock, f"u{i}")) for i in range(3)]
    await asyncio.sleep(0)
    us[0].cancel()
    lock.release()
    log(f"released, locked={lock.locked()}")
    await asyncio.gather(*us, return_exceptions=True)
    log(f"end locked={lock.locked()}")

run(main())
