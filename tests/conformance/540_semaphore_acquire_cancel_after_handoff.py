# Rules 7, 8: a Semaphore waiter handed the permit and cancelled in the same step: the permit goes to the next waiter; the count ends whole.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def user(sem, name):
    try:
        async with sem:
            log(f"{name} in")
            await asyncio.sleep(0.125)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    ts = [asyncio.create_task(user(sem, f"u{i}")) for i in range(4)]
    await asyncio.sleep(0.125)
    log("u0 released, cancel u1")
    ts[1].cancel()
    await asyncio.gather(*ts, return_exceptions=True)
    log(f"value={sem._value}")

run(main())
