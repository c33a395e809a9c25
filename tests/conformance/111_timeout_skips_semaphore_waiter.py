# Rules 8 and 11: a timeout's expiry cancels the task's waiter at once, so a release() later in the same pass passes the permit straight to the next waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(sem):
    async with sem:
        await asyncio.sleep(1)
        log("holder releasing")
    await asyncio.sleep(0)
    log("holder after yield")


async def waiter(name, sem, limit):
    try:
        async with asyncio.timeout(limit):
            async with sem:
                log(f"{name} acquired")
    except TimeoutError:
        log(f"{name} timed out")


async def main():
    sem = asyncio.Semaphore(1)
    h = asyncio.create_task(holder(sem))
    await asyncio.sleep(0)
    w1 = asyncio.create_task(waiter("w1", sem, 1))
    w2 = asyncio.create_task(waiter("w2", sem, 5))
    await asyncio.gather(h, w1, w2)
    log("main done")


run(main())
