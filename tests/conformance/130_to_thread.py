# Rule 1: to_thread: blocking work runs while other tasks keep their order; the caller resumes after its result.
import asyncio, os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def blocking(n):
    return sum(range(n))


async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0.5)


async def main():
    t = asyncio.create_task(ticker())
    r = await asyncio.to_thread(blocking, 1000)
    log(f"to_thread gave {r}")
    await t
    log("end")


run(main())
