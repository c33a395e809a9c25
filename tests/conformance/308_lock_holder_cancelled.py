# Rules 7, 9: the task holding a Lock is cancelled inside async with; the lock goes to the first waiter, and a cancelled waiter leaves the line.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name, hold):
    try:
        async with lock:
            log(f"{name} holds")
            await asyncio.sleep(hold)
            log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={lock.locked()}")
        raise


async def main():
    lock = asyncio.Lock()
    holder = asyncio.create_task(user(lock, "holder", 5))
    ws = [asyncio.create_task(user(lock, f"w{i}", 1)) for i in range(3)]
    await asyncio.sleep(1)
    ws[0].cancel()
    holder.cancel()
    log("cancelled w0 and holder")
    await asyncio.gather(holder, *ws, return_exceptions=True)
    log(f"locked={lock.locked()}")

run(main())
