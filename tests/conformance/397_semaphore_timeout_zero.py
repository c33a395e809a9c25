# Rules 8, 11: wait_for(sem.acquire(), 0) never starts the acquire, even with a permit free; timeout(0) around a free acquire takes it without yielding; with none free it queues, times out on the next pass and leaves the line.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    sem = asyncio.Semaphore(1)
    t = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(sem.acquire(), 0)
        log("never: wait_for(..., 0) does not start a coroutine")
    except TimeoutError:
        log(f"wait_for(acquire, 0) timed out although free, value={sem._value}")
    async with asyncio.timeout(0):
        await sem.acquire()
    log(f"timeout(0) took the free permit without yielding, value={sem._value}")
    try:
        async with asyncio.timeout(0):
            await sem.acquire()
    except TimeoutError:
        log(f"none free: timeout(0) timed out, value={sem._value} locked={sem.locked()}")
    sem.release()
    log(f"released, value={sem._value} locked={sem.locked()}")
    await t

run(main())
