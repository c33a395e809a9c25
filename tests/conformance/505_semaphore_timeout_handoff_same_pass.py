# Rules 8, 11: a Semaphore waiter's timeout expires in the pass the permit is released: the expiry armed first wins, the permit goes to the next waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, limit):
    try:
        async with asyncio.timeout(limit):
            await sem.acquire()
        log(f"{name} acquired")
        await asyncio.sleep(0.25)
        sem.release()
    except TimeoutError:
        log(f"{name} timed out")


async def holder(sem):
    async with sem:
        await asyncio.sleep(0.5)
        log("holder releases")


async def main():
    sem = asyncio.Semaphore(1)
    h = asyncio.create_task(holder(sem))
    await asyncio.sleep(0)
    us = [asyncio.create_task(user(sem, "u0", 0.5)), asyncio.create_task(user(sem, "u1", 2))]
    await asyncio.gather(h, *us)
    log(f"end value={sem._value}")

run(main())
