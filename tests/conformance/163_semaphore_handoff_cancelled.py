# Rules 7, 8: a Semaphore permit handed to a waiter that is cancelled before it runs goes to the next waiter; none leaks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(sem, name):
    try:
        async with sem:
            log(f"{name} in")
            await asyncio.sleep(0.5)
        log(f"{name} out")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    ws = [asyncio.create_task(worker(sem, f"w{i}")) for i in range(3)]
    await asyncio.sleep(1)
    sem.release()
    ws[0].cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    log(f"locked={sem.locked()}")


run(main())
