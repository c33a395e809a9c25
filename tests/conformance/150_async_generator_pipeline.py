# Rules 1, 3: an async generator that sleeps between items, consumed with async for while another task ticks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def numbers(n, delay):
    for i in range(n):
        await asyncio.sleep(delay)
        log(f"produce {i}")
        yield i


async def ticker():
    for i in range(4):
        log(f"tick {i}")
        await asyncio.sleep(0.5)


async def main():
    t = asyncio.create_task(ticker())
    total = 0
    async for x in numbers(3, 0.75):
        log(f"consume {x}")
        total += x
    log(f"total {total}")
    await t


run(main())
