# Rules 1, 11: wait_for with timeout None is a plain await; wait_for on a finished task returns without yielding (3.12).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(d):
    await asyncio.sleep(d)
    log(f"work {d} done")
    return d


async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    r = await asyncio.wait_for(work(0.125), None)
    log(f"got {r}")
    t = asyncio.create_task(work(0))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    k = asyncio.create_task(ticker())
    log(f"t done={t.done()}")
    r = await asyncio.wait_for(t, 1)
    log(f"got {r} without yielding")
    await k

run(main())