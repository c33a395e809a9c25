# Rules 7, 9: a Lock waiter woken by release and cancelled before it runs: the lock passes to the next waiter, the newcomer queues behind.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def user(lock, name):
    try:
        async with lock:
            log(f"{name} has it")
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={lock.locked()}")
        raise


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    ts = [asyncio.create_task(user(lock, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0)
    lock.release()
    ts[0].cancel()
    n = asyncio.create_task(user(lock, "newcomer"))
    await asyncio.gather(*ts, n, return_exceptions=True)
    log(f"end locked={lock.locked()}")

run(main())
