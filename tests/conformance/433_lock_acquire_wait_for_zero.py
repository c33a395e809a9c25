# Rule 11 (3.12): wait_for(lock.acquire(), 0) never starts the coroutine, even on a free lock; wait_for with a positive timeout on a free lock takes it without yielding.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def other():
    log("other runs")


async def main():
    lock = asyncio.Lock()
    asyncio.create_task(other())
    try:
        await asyncio.wait_for(lock.acquire(), 0)
        log("acquired with 0")
    except TimeoutError:
        log(f"timeout 0, locked={lock.locked()}")
    asyncio.create_task(other())
    await asyncio.wait_for(lock.acquire(), 1)
    log(f"acquired with 1, locked={lock.locked()}")
    await asyncio.sleep(0)
    lock.release()

run(main())
