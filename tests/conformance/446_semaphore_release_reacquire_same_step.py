# Rule 8: a task that releases a Semaphore and asks again in the same step queues behind the waiter the release woke (no barging), even with the permit free until the waiter runs.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(sem, name):
    async with sem:
        log(f"{name} in")
        await asyncio.sleep(0.5)
    log(f"{name} out")


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    w = asyncio.create_task(waiter(sem, "w"))
    await asyncio.sleep(0)
    sem.release()
    log(f"released, locked={sem.locked()}")
    await sem.acquire()
    log("main in again")
    sem.release()
    await w

run(main())
