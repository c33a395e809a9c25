# Rules 7, 9: a task cancels itself while holding a Lock: the cancellation arrives at its next await, the lock goes to the waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def selfish(lock):
    try:
        async with lock:
            log("selfish holds")
            asyncio.current_task().cancel()
            log("still running after cancel()")
            await asyncio.sleep(1)
            log("not reached")
    except asyncio.CancelledError:
        log(f"selfish cancelled, locked={lock.locked()}")
        raise


async def waiter(lock):
    async with lock:
        log("waiter holds")


async def main():
    lock = asyncio.Lock()
    s = asyncio.create_task(selfish(lock))
    w = asyncio.create_task(waiter(lock))
    r = await asyncio.gather(s, w, return_exceptions=True)
    log(f"results {[type(x).__name__ for x in r]}")

run(main())
