# Rule 8: Semaphore(2) limits five downloads; waiters are served FIFO; BoundedSemaphore refuses an extra release.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def download(sem, name, delay):
    log(f"{name} waiting")
    async with sem:
        log(f"{name} acquired")
        await asyncio.sleep(delay)
        log(f"{name} released")
    return delay


async def main():
    sem = asyncio.Semaphore(2)
    r = await asyncio.gather(*(download(sem, f"d{i}", d) for i, d in enumerate([1, 0.5, 0.75, 0.25, 1])))
    log(f"total {sum(r)}")
    b = asyncio.BoundedSemaphore(1)
    await b.acquire()
    b.release()
    try:
        b.release()
    except ValueError as e:
        log(f"ValueError: {e}")


run(main())
