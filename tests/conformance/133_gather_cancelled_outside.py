# Rule 6: a task awaiting gather is cancelled: the gather cancels its unfinished children in argument order; finished ones keep their results.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def part(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def runner():
    try:
        await asyncio.gather(part("p1", 2), part("p2", 0.5), part("p3", 3))
    except asyncio.CancelledError:
        log("runner cancelled")
        raise


async def main():
    r = asyncio.create_task(runner())
    await asyncio.sleep(1)
    r.cancel()
    res = await asyncio.gather(r, return_exceptions=True)
    log(f"runner: {type(res[0]).__name__}")


run(main())
