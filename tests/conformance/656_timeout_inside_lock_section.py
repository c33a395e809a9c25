# Rules 9, 11: timeout() inside an async with lock: the expiry cancels the critical section, the lock is released on the way out and the first waiter takes it; a timeout() around acquiring the lock gives up the wait and leaves the queue; locked() read at each point.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(lock, name, work, limit):
    async with lock:
        log(f"{name} holds the lock")
        try:
            async with asyncio.timeout(limit):
                await asyncio.sleep(work)
            log(f"{name} finished its work")
        except TimeoutError:
            log(f"{name} timed out inside, locked={lock.locked()}")
    log(f"{name} left, locked={lock.locked()}")


async def impatient(lock, limit):
    try:
        async with asyncio.timeout(limit):
            await lock.acquire()
    except TimeoutError:
        log(f"impatient gave up waiting, locked={lock.locked()}")
        return
    log("impatient holds the lock")
    lock.release()


async def main():
    lock = asyncio.Lock()
    ts = [
        asyncio.create_task(holder(lock, "a", 0.5, 0.25)),
        asyncio.create_task(impatient(lock, 0.125)),
        asyncio.create_task(holder(lock, "b", 0.125, 0.25)),
        asyncio.create_task(impatient(lock, 0.5)),
    ]
    await asyncio.gather(*ts)
    log(f"end locked={lock.locked()}")

run(main())
