# Rules 7, 8: two releases with the first woken waiter cancelled in the same step: the permits go to the next two waiters, none leaks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name):
    try:
        async with sem:
            log(f"{name} in")
            await asyncio.sleep(0.25)
            log(f"{name} out")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(0)
    us = [asyncio.create_task(user(sem, f"u{i}")) for i in range(4)]
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    us[0].cancel()
    log("released two, cancelled u0")
    await asyncio.gather(*us, return_exceptions=True)
    log(f"end value={sem._value}")

run(main())
