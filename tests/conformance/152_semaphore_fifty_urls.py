# Rule 8: fifty fetches through Semaphore(10) (the lectures' example, fixed durations): never more than ten at once; batches follow the FIFO waiters.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


current = 0
peak = 0


async def fetch(sem, i):
    global current, peak
    async with sem:
        current += 1
        peak = max(peak, current)
        await asyncio.sleep((i % 4 + 1) * 0.25)
        current -= 1
        if i % 10 == 9:
            log(f"fetched {i}")
        return i


async def main():
    sem = asyncio.Semaphore(10)
    results = await asyncio.gather(*(fetch(sem, i) for i in range(50)))
    log(f"{len(results)} results, sum {sum(results)}, peak {peak}")


run(main())
