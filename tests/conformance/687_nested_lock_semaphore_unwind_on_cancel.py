# Rules 7, 8, 9: nested async with, a Semaphore(2) then a Lock: a task cancelled inside both releases the lock first (its inner finally reads it free, the lock already handed to the waiter), then its permit, handed straight to the task waiting for one, so the semaphore stays locked; each later release is read as it happens.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, lock, name, hold):
    try:
        async with sem:
            log(f"{name} has a permit, sem locked={sem.locked()}")
            try:
                async with lock:
                    log(f"{name} has the lock")
                    await asyncio.sleep(hold)
                log(f"{name} released the lock")
            finally:
                log(f"{name} inner finally, lock locked={lock.locked()} sem locked={sem.locked()}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, lock locked={lock.locked()} sem locked={sem.locked()}")
        raise


async def main():
    sem = asyncio.Semaphore(2)
    lock = asyncio.Lock()
    ts = [asyncio.create_task(user(sem, lock, n, h)) for n, h in [("a", 1.0), ("b", 0.25), ("c", 0.125)]]
    await asyncio.sleep(0.125)
    ts[0].cancel()
    log("cancelled a")
    r = await asyncio.gather(*ts, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]}")

run(main())
