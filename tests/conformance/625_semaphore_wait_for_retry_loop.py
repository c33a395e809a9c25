# Rules 8, 11: workers retry wait_for(sem.acquire(), 0.125) until they get the permit; each expiry leaves the line and the retry rejoins at its back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def holder(sem):
    async with sem:
        log("holder in")
        await asyncio.sleep(0.3125)
    log("holder out")


async def worker(sem, name):
    tries = 0
    while True:
        tries += 1
        try:
            await asyncio.wait_for(sem.acquire(), 0.125)
            break
        except TimeoutError:
            log(f"{name} try {tries} timed out")
    log(f"{name} in after {tries}")
    await asyncio.sleep(0.0625)
    sem.release()


async def main():
    sem = asyncio.Semaphore(1)
    h = asyncio.create_task(holder(sem))
    await asyncio.sleep(0)
    ws = [asyncio.create_task(worker(sem, f"w{i}")) for i in range(2)]
    await asyncio.gather(h, *ws)
    log(f"end value={sem._value}")

run(main())
