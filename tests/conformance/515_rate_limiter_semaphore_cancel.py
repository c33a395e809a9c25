# Rules 7, 8: a Semaphore(2) rate limiter; a waiting request cancelled leaves the line, the permits go on in order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def request(sem, name, d):
    try:
        async with sem:
            log(f"{name} start")
            await asyncio.sleep(d)
            log(f"{name} end")
    except asyncio.CancelledError:
        log(f"{name} cancelled, value={sem._value}")
        raise


async def main():
    sem = asyncio.Semaphore(2)
    ts = [asyncio.create_task(request(sem, f"r{i}", 0.25 * (i % 2 + 1))) for i in range(6)]
    await asyncio.sleep(0.125)
    ts[3].cancel()
    ts[4].cancel()
    res = await asyncio.gather(*ts, return_exceptions=True)
    log(f"{[type(r).__name__ for r in res]} value={sem._value}")

run(main())
