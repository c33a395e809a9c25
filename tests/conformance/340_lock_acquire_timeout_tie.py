# Rules 4, 8, 9, 11: wait_for(lock.acquire()) whose deadline ties with the holder's release: the earlier-armed timer decides who wins.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(lock, hold):
    async with lock:
        log("holder in")
        await asyncio.sleep(hold)
    log("holder released")


async def impatient(lock, name, patience):
    try:
        await asyncio.wait_for(lock.acquire(), patience)
        log(f"{name} got the lock")
        await asyncio.sleep(0.25)
        lock.release()
    except TimeoutError:
        log(f"{name} gave up, locked={lock.locked()}")


async def main():
    lock = asyncio.Lock()
    h = asyncio.create_task(holder(lock, 1))
    await asyncio.sleep(0)
    a = asyncio.create_task(impatient(lock, "a", 1))
    b = asyncio.create_task(impatient(lock, "b", 2))
    await asyncio.gather(h, a, b)
    h2 = asyncio.create_task(impatient(lock, "c", 1))
    await asyncio.sleep(0)
    await h2

run(main())
