# Rule 11: wait_for with timeout=None awaits inline with no deadline; cancelling the caller cancels the inner task; timeout(None) in a loop never expires.
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


async def caller(t):
    try:
        r = await asyncio.wait_for(t, None)
        log(f"caller got {r}")
    except asyncio.CancelledError:
        log(f"caller cancelled, t cancelled={t.cancelled()}")
        raise


async def main():
    r = await asyncio.wait_for(job("a", 2), None)
    log(f"main got {r}")
    t = asyncio.create_task(job("b", 5))
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(1)
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)
    for i in range(3):
        async with asyncio.timeout(None) as cm:
            await asyncio.sleep(0.5)
        log(f"round {i} expired={cm.expired()}")

run(main())
