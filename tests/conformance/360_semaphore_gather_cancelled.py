# Rules 7, 8: the lectures' semaphore-limited fetches where the main task cancels the gather halfway: the holders and the waiters are cancelled in argument order, and the permits all come back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fetch(sem, i):
    try:
        async with sem:
            log(f"fetch {i} starts")
            await asyncio.sleep(1)
            log(f"fetch {i} done")
    except asyncio.CancelledError:
        log(f"fetch {i} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(2)
    g = asyncio.gather(*(fetch(sem, i) for i in range(5)))
    await asyncio.sleep(1.5)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        log(f"gather cancelled, value={sem._value} locked={sem.locked()}")

run(main())
