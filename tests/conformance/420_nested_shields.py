# Rule 12: shield(shield(t)): cancelling the outer caller leaves t running; a second caller of the inner shield is unaffected and gets t's result.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(2)
    log("work done")
    return 42


async def caller(name, aw):
    try:
        r = await aw
        log(f"{name} got {r}")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    t = asyncio.create_task(work())
    inner = asyncio.shield(t)
    outer = asyncio.shield(inner)
    c1 = asyncio.create_task(caller("c1", outer))
    c2 = asyncio.create_task(caller("c2", inner))
    await asyncio.sleep(1)
    c1.cancel()
    await asyncio.sleep(0)
    log(f"t done={t.done()}")
    await asyncio.gather(c1, c2, return_exceptions=True)
    log(f"t result={t.result()}")

run(main())
