# Rules 6, 7: gather(return_exceptions=True) cancelled after some children ended: only the unfinished are cancelled; the awaiter gets CancelledError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    g = asyncio.gather(job("a", 1), job("b", 2), job("c", 3), return_exceptions=True)
    await asyncio.sleep(1.5)
    log(f"cancel -> {g.cancel()}")
    try:
        await g
    except asyncio.CancelledError:
        log("gather cancelled")
    log(f"cancel again -> {g.cancel()}")

run(main())
