# Rules 9, 12: a critical section under a Lock runs inside shield(); its caller is cancelled while it waits for the lock: the section still takes the lock in turn, and the next waiter follows.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def section(lock, name):
    async with lock:
        log(f"{name} in the section")
        await asyncio.sleep(1)
    log(f"{name} left")


async def caller(lock, name):
    try:
        await asyncio.shield(section(lock, name))
    except asyncio.CancelledError:
        log(f"{name}'s caller cancelled, locked={lock.locked()}")
        raise


async def main():
    lock = asyncio.Lock()
    ts = [asyncio.create_task(caller(lock, n)) for n in ("s1", "s2", "s3")]
    await asyncio.sleep(0.5)
    ts[1].cancel()
    await asyncio.gather(*ts, return_exceptions=True)
    log(f"gather returned, locked={lock.locked()}")
    await asyncio.sleep(2)
    log(f"end locked={lock.locked()}")

run(main())
