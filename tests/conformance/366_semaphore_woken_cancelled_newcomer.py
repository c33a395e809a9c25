# Rules 7, 8: Semaphore(1): the holder releases to the first waiter, which is cancelled before it runs; a newcomer asking in the same step queues behind the second waiter, which gets the permit.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, hold):
    try:
        async with sem:
            log(f"{name} has the permit")
            await asyncio.sleep(hold)
        log(f"{name} released")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    h = asyncio.create_task(user(sem, "holder", 1))
    await asyncio.sleep(0)
    w1 = asyncio.create_task(user(sem, "w1", 0.5))
    w2 = asyncio.create_task(user(sem, "w2", 0.5))
    await asyncio.sleep(0.5)
    await asyncio.sleep(0.5)
    log(f"after holder: locked={sem.locked()}")
    w1.cancel()
    n = asyncio.create_task(user(sem, "newcomer", 0.5))
    await asyncio.gather(h, w2, n, return_exceptions=True)
    log(f"w1 cancelled={w1.cancelled()} value={sem._value}")

run(main())
