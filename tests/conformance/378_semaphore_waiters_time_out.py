# Rules 8, 11: Semaphore(1) waiters under wait_for with different limits: those that time out leave the line, the release goes to the first one still waiting, and the value comes back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, limit, hold):
    try:
        await asyncio.wait_for(sem.acquire(), limit)
    except TimeoutError:
        log(f"{name} gave up")
        return
    log(f"{name} has the permit")
    await asyncio.sleep(hold)
    sem.release()
    log(f"{name} released")


async def main():
    sem = asyncio.Semaphore(1)
    ts = [asyncio.create_task(user(sem, "holder", 1, 2)),
          asyncio.create_task(user(sem, "a", 1, 1)),
          asyncio.create_task(user(sem, "b", 3, 1)),
          asyncio.create_task(user(sem, "c", 1.5, 1)),
          asyncio.create_task(user(sem, "d", 5, 1))]
    await asyncio.gather(*ts)
    log(f"value={sem._value} locked={sem.locked()}")

run(main())
