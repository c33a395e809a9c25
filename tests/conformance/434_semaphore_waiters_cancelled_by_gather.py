# Rules 6, 8: cancelling a gather of semaphore waiters cancels them in argument order; a release in the same pass skips them and hands the permit to the waiter outside the gather.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name):
    try:
        async with sem:
            log(f"{name} in")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    g = asyncio.gather(user(sem, "a"), user(sem, "b"))
    await asyncio.sleep(0)
    out = asyncio.create_task(user(sem, "out"))
    await asyncio.sleep(0)
    g.cancel()
    sem.release()
    log("cancelled and released")
    try:
        await g
    except asyncio.CancelledError:
        log("gather cancelled")
    await out
    log(f"end locked={sem.locked()}")

run(main())
