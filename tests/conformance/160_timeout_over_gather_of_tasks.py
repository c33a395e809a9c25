# Rules 6, 11: a timeout over a gather of a new coroutine and an existing task: the expiry cancels the gather, which cancels both children in argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def main():
    t = asyncio.create_task(job("existing", 3))
    try:
        async with asyncio.timeout(1):
            await asyncio.gather(job("fresh", 2), t)
    except TimeoutError:
        log(f"TimeoutError; existing cancelled={t.cancelled()}")
    u = asyncio.create_task(job("kept", 2))
    try:
        await asyncio.wait_for(asyncio.wait([u]), timeout=1)
    except TimeoutError:
        log(f"wait timed out; kept cancelled={u.cancelled()}")
    log(f"kept -> {await u}")


run(main())
