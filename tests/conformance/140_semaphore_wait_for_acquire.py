# Rules 8, 11: wait_for around Semaphore.acquire: the timed-out waiter leaves, no permit leaks, the next waiter is served.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(sem, name, limit, hold):
    try:
        await asyncio.wait_for(sem.acquire(), timeout=limit)
    except TimeoutError:
        log(f"{name} gave up")
        return
    log(f"{name} acquired")
    await asyncio.sleep(hold)
    sem.release()
    log(f"{name} released")


async def main():
    sem = asyncio.Semaphore(1)
    await asyncio.gather(worker(sem, "w0", 1, 2), worker(sem, "w1", 1, 1), worker(sem, "w2", 3, 1))
    log(f"value={sem._value} locked={sem.locked()}")


run(main())
