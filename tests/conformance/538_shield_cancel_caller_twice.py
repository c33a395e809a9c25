# Rules 7, 12: the caller of shield(t) cancelled; t keeps running; a second shield of the same t by a new caller gets its result.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def work():
    await asyncio.sleep(0.5)
    log("work done")
    return 42


async def caller(t, name):
    try:
        r = await asyncio.shield(t)
        log(f"{name} got {r}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, work done={t.done()}")
        raise


async def main():
    t = asyncio.create_task(work())
    c1 = asyncio.create_task(caller(t, "c1"))
    await asyncio.sleep(0.125)
    c1.cancel()
    await asyncio.sleep(0)
    c2 = asyncio.create_task(caller(t, "c2"))
    await asyncio.gather(c1, c2, return_exceptions=True)
    log(f"c1 cancelled={c1.cancelled()} t={t.result()}")

run(main())
