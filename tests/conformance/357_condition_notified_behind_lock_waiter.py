# Rule 9: a notified Condition waiter re-acquires the lock behind a task already waiting for that lock.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond):
    async with cond:
        log("waiter waits")
        await cond.wait()
        log("waiter has the lock again")


async def other(cond):
    log("other asks for the lock")
    async with cond:
        log("other has the lock")
        await asyncio.sleep(0.5)
    log("other released")


async def main():
    cond = asyncio.Condition()
    w = asyncio.create_task(waiter(cond))
    await asyncio.sleep(0)
    async with cond:
        o = asyncio.create_task(other(cond))
        await asyncio.sleep(0)
        cond.notify(1)
        log("notified, releasing")
    await asyncio.gather(w, o)
    log(f"locked={cond.locked()}")

run(main())
