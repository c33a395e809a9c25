# Rules 8, 11: wait_for(sem.acquire()) expiring at the instant a holder releases: the release hands the permit to the waiter, whose expiry then cancels it; the permit passes on, none leaks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(sem):
    async with sem:
        log("holder in")
        await asyncio.sleep(0.25)
    log("holder out")


async def impatient(sem):
    try:
        await asyncio.wait_for(sem.acquire(), 0.25)
        log("impatient in")
        sem.release()
    except TimeoutError:
        log(f"impatient timed out value={sem._value}")


async def patient(sem):
    async with sem:
        log(f"patient in value={sem._value}")


async def main():
    sem = asyncio.Semaphore(1)
    ts = [asyncio.create_task(holder(sem)), asyncio.create_task(impatient(sem)), asyncio.create_task(patient(sem))]
    await asyncio.gather(*ts)
    log(f"end value={sem._value}")

run(main())