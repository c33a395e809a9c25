# Rules 7, 12: one task shielded by two callers; both callers are cancelled at different times: the task runs on, and a third caller awaiting it directly gets its result.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(2)
    log("work done")
    return 42


async def caller(t, name):
    try:
        r = await asyncio.shield(t)
        log(f"{name} got {r}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, t done={t.done()}")
        raise


async def direct(t):
    log(f"direct got {await t}")


async def main():
    t = asyncio.create_task(work())
    c1 = asyncio.create_task(caller(t, "c1"))
    c2 = asyncio.create_task(caller(t, "c2"))
    d = asyncio.create_task(direct(t))
    await asyncio.sleep(0.5)
    c1.cancel()
    await asyncio.sleep(1)
    c2.cancel()
    await asyncio.gather(c1, c2, d, return_exceptions=True)
    log(f"c1 cancelled={c1.cancelled()} c2 cancelled={c2.cancelled()} t cancelled={t.cancelled()}")

run(main())
