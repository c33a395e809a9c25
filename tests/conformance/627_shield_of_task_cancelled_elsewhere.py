# Rules 7, 12: shield(t) does not protect its awaiter from t's own cancellation: t cancelled by another task makes the shield raise CancelledError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("work cancelled")
        raise


async def awaiter(t):
    try:
        await asyncio.shield(t)
    except asyncio.CancelledError:
        log(f"awaiter got CancelledError t cancelled={t.cancelled()}")


async def main():
    t = asyncio.create_task(work())
    w = asyncio.create_task(awaiter(t))
    await asyncio.sleep(0.125)
    t.cancel()
    await w
    log(f"w cancelled={w.cancelled()}")

run(main())
