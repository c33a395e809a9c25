# Rule 8: BoundedSemaphore(2) with waiters: releases hand permits on; over-release raises only once every permit is back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(sem, name, hold):
    async with sem:
        log(f"{name} in, value={sem._value}")
        await asyncio.sleep(hold)
    log(f"{name} out, value={sem._value}")


async def main():
    sem = asyncio.BoundedSemaphore(2)
    ts = [asyncio.create_task(worker(sem, f"w{i}", 0.5 * (i + 1))) for i in range(4)]
    await asyncio.sleep(0)
    log(f"locked={sem.locked()} value={sem._value}")
    await asyncio.gather(*ts)
    log(f"all out, value={sem._value}")
    try:
        sem.release()
    except ValueError as e:
        log(f"ValueError: {e}")
    await sem.acquire()
    sem.release()
    log(f"acquire/release ok, value={sem._value}")

run(main())
