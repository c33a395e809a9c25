# Rules 7, 9: Lock waiters cancelled one after another while the holder keeps it; the release hands the lock to the first waiter still waiting; a newcomer after the release queues behind it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(lock, name):
    try:
        async with lock:
            log(f"{name} has the lock")
            await asyncio.sleep(0.25)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    ws = [asyncio.create_task(waiter(lock, f"w{i}")) for i in range(4)]
    await asyncio.sleep(0)
    ws[0].cancel()
    await asyncio.sleep(0)
    ws[2].cancel()
    lock.release()
    log("released")
    ws[1].cancel()
    n = asyncio.create_task(waiter(lock, "new"))
    await asyncio.gather(*ws, n, return_exceptions=True)
    log(f"locked={lock.locked()}")

run(main())
