# Rules 9, 11: a timeout expires while its task holds a Lock: the lock goes to the first waiter; a waiter that times out while waiting leaves the line.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name, limit, hold):
    try:
        async with asyncio.timeout(limit):
            async with lock:
                log(f"{name} holds")
                await asyncio.sleep(hold)
            log(f"{name} released")
    except TimeoutError:
        log(f"{name} timed out, locked={lock.locked()}")


async def main():
    lock = asyncio.Lock()
    ts = [asyncio.create_task(user(lock, "slow", 1, 5)),
          asyncio.create_task(user(lock, "w1", 0.5, 1)),
          asyncio.create_task(user(lock, "w2", 3, 1)),
          asyncio.create_task(user(lock, "w3", 3, 1))]
    await asyncio.gather(*ts)
    log(f"locked={lock.locked()}")

run(main())
