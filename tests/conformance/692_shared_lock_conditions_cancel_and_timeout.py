# Rules 7, 9, 11: Conditions over one shared Lock under cancellation: a waiter on one condition is cancelled while a task holds the lock directly, so its cancellation waits until it has re-acquired the lock; a waiter on the other condition whose wait_for expires meanwhile re-acquires in turn before its TimeoutError; a notified waiter queues behind them for the same lock.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, lock, name):
    try:
        async with cond:
            log(f"{name} waits")
            await cond.wait()
            log(f"{name} notified, locked={lock.locked()}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={lock.locked()}")
        raise


async def timed(cond, lock, name, t):
    async with cond:
        log(f"{name} waits up to {t}")
        try:
            await asyncio.wait_for(cond.wait(), t)
            log(f"{name} notified")
        except TimeoutError:
            log(f"{name} timed out")
    log(f"{name} left, locked={lock.locked()}")


async def main():
    lock = asyncio.Lock()
    a = asyncio.Condition(lock)
    b = asyncio.Condition(lock)
    wa = asyncio.create_task(waiter(a, lock, "wa"))
    wb = asyncio.create_task(waiter(b, lock, "wb"))
    tb = asyncio.create_task(timed(b, lock, "tb", 0.25))
    await asyncio.sleep(0.125)
    async with lock:
        log("main holds the lock")
        wa.cancel()
        b.notify(1)
        log("cancelled wa, notified b once")
        await asyncio.sleep(0.25)
        log("main releases")
    r = await asyncio.gather(wa, wb, tb, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]} locked={lock.locked()}")

run(main())
