# Rules 7, 9: cancellation arriving during async with lock: the holder is cancelled inside the body (its finally runs while it still holds the lock, then the lock is released on the way out) and a waiter is cancelled in the same step; the first waiter left takes the lock, the cancelled waiter never enters.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name, hold):
    try:
        async with lock:
            log(f"{name} in")
            try:
                await asyncio.sleep(hold)
            finally:
                log(f"{name} finally, locked={lock.locked()}")
        log(f"{name} out, locked={lock.locked()}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={lock.locked()}")
        raise


async def main():
    lock = asyncio.Lock()
    ts = {n: asyncio.create_task(user(lock, n, h)) for n, h in [("a", 0.5), ("b", 0.25), ("c", 0.25), ("d", 0.125)]}
    await asyncio.sleep(0.125)
    ts["c"].cancel()
    ts["a"].cancel()
    log(f"cancelled a and c, locked={lock.locked()}")
    r = await asyncio.gather(*ts.values(), return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]} locked={lock.locked()}")

run(main())
