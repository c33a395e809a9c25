# Rules 9, 11: wait_for(lock.acquire(), 0.25) retried until the holder lets go; no acquisition leaks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def holder(lock):
    async with lock:
        await asyncio.sleep(0.625)
        log("holder releases")


async def main():
    lock = asyncio.Lock()
    h = asyncio.create_task(holder(lock))
    await asyncio.sleep(0)
    tries = 0
    while True:
        tries += 1
        try:
            await asyncio.wait_for(lock.acquire(), 0.25)
            break
        except TimeoutError:
            log(f"try {tries} timed out, locked={lock.locked()}")
    log(f"acquired after {tries} tries")
    lock.release()
    await h
    log(f"locked={lock.locked()}")

run(main())
