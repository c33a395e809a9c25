# Rules 4, 8, 11: wait_for(sem.acquire()) expiring in the same pass as the release: the release skips the expired waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(sem):
    async with sem:
        await asyncio.sleep(1)
    log("holder released")


async def waiter(sem, name, patience):
    try:
        await asyncio.wait_for(sem.acquire(), patience)
    except TimeoutError:
        log(f"{name} timed out, value={sem._value}")
        return
    log(f"{name} acquired")
    await asyncio.sleep(0.5)
    sem.release()


async def main():
    sem = asyncio.Semaphore(1)
    a = asyncio.create_task(waiter(sem, "early", 1))
    h = asyncio.create_task(holder(sem))
    await asyncio.sleep(0)
    b = asyncio.create_task(waiter(sem, "tie", 1))
    c = asyncio.create_task(waiter(sem, "patient", 3))
    await asyncio.gather(a, h, b, c)
    log(f"value={sem._value}")

run(main())
