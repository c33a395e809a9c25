# Rules 9, 12: a TaskGroup child waits on a Condition; a sibling fails while another task holds the Condition's lock: the abort cancels the waiter, which must re-acquire the lock before its cancellation goes on, so the group raises only after the holder released it; a waiter outside the group, notified by the holder, gets the lock after the cancelled one.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} notified, locked={cond.locked()}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={cond.locked()}")
        raise


async def holder(cond):
    await asyncio.sleep(0.125)
    async with cond:
        log("holder has the lock")
        await asyncio.sleep(0.375)
        cond.notify_all()
        log("holder notifies and releases")


async def failer():
    await asyncio.sleep(0.25)
    log("failer raises")
    raise ValueError("boom")


async def main():
    cond = asyncio.Condition()
    outside = asyncio.create_task(waiter(cond, "outside"))
    h = asyncio.create_task(holder(cond))
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(waiter(cond, "in-group"))
            tg.create_task(failer())
    except* ValueError as eg:
        log(f"group failed {[str(e) for e in eg.exceptions]}, locked={cond.locked()}")
    await asyncio.gather(outside, h)
    log(f"end locked={cond.locked()}")

run(main())
