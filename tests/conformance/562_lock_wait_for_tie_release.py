# Rules 9, 11: wait_for(lock.acquire()) expiring at the same instant as the holder's release: the holder's timer was armed first, its release hands the lock to the impatient waiter, whose expiry then cancels it; the lock passes to the next waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(lock):
    async with lock:
        log("holder in")
        await asyncio.sleep(0.25)
        log("holder releases")


async def impatient(lock):
    try:
        await asyncio.wait_for(lock.acquire(), 0.25)
        log("impatient got it")
        lock.release()
    except TimeoutError:
        log(f"impatient timed out locked={lock.locked()}")


async def patient(lock):
    async with lock:
        log("patient in")


async def main():
    lock = asyncio.Lock()
    h = asyncio.create_task(holder(lock))
    i = asyncio.create_task(impatient(lock))
    p = asyncio.create_task(patient(lock))
    await asyncio.gather(i, h, p)
    log(f"end locked={lock.locked()}")

run(main())