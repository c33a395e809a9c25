# Rule 8: a plain Semaphore released more often than acquired grows its value; locked() follows it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(sem, name):
    async with sem:
        log(f"{name} in, value={sem._value}")
        await asyncio.sleep(1)


async def main():
    sem = asyncio.Semaphore(0)
    log(f"locked={sem.locked()}")
    ts = [asyncio.create_task(worker(sem, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0.5)
    sem.release()
    sem.release()
    log(f"released twice, value={sem._value}")
    await asyncio.sleep(0)
    log(f"after a yield, value={sem._value} locked={sem.locked()}")
    await asyncio.gather(*ts)
    sem.release()
    log(f"end value={sem._value} locked={sem.locked()}")

run(main())
