# Rules 6, 7: cancelling a gather(return_exceptions=True) itself cancels its unfinished children; its awaiter gets CancelledError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    try:
        await asyncio.sleep(delay)
        log(f"{name} done")
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    g = asyncio.gather(job("a", 0.5), job("b", 2), job("c", 3), return_exceptions=True)
    await asyncio.sleep(1)
    log(f"cancel -> {g.cancel()}")
    try:
        r = await g
        log(f"gather returned {r!r}")
    except asyncio.CancelledError:
        log("gather raised CancelledError")

run(main())
