import asyncio, sys
import os; sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/conformance"))
from vclock import log, run

async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    async def user(n):
        async with lock:
            log(f"{n} acquired")
    b = asyncio.create_task(user("b")); c = asyncio.create_task(user("c"))
    await asyncio.sleep(0)
    b.cancel()
    lock.release()
    log(f"released, locked={lock.locked()}")
    async def x(): log("x ran")
    xt = asyncio.create_task(x())
    try: await b
    except asyncio.CancelledError: log("b cancelled")
    await c; await xt
    # semaphore, same shape
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    b = asyncio.create_task(user2("b", sem)); c = asyncio.create_task(user2("c", sem))
    await asyncio.sleep(0)
    b.cancel()
    sem.release()
    xt = asyncio.create_task(x())
    try: await b
    except asyncio.CancelledError: log("b cancelled")
    await c; await xt

async def user2(n, sem):
    async with sem:
        log(f"{n} acquired")

run(main())
