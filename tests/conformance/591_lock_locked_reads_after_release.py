# Rule 9: Lock.release() with a waiter: locked() reads False until the woken waiter runs, yet a newcomer queues behind it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name):
    async with lock:
        log(f"{name} in locked={lock.locked()}")
        await asyncio.sleep(0)
    log(f"{name} out")


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    w = asyncio.create_task(user(lock, "w"))
    await asyncio.sleep(0)
    lock.release()
    log(f"released locked={lock.locked()}")
    n = asyncio.create_task(user(lock, "newcomer"))
    await asyncio.sleep(0)
    log(f"after one pass locked={lock.locked()}")
    await asyncio.gather(w, n)
    log(f"end locked={lock.locked()}")

run(main())