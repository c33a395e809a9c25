# Rule 9: notify_all wakes every waiter in wait order; one cancelled before it re-acquires; the others re-acquire one after another.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} woke, holds the lock")
            await asyncio.sleep(0.25)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    cond = asyncio.Condition()
    ws = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0)
    async with cond:
        cond.notify_all()
        log("notified all")
    ws[1].cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    log(f"locked={cond.locked()}")

run(main())
