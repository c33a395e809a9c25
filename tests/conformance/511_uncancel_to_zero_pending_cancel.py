# Rule 7: uncancel() bringing the count to zero before the cancellation was delivered: 3.13 withdraws the pending cancellation, 3.11 and 3.12 still deliver it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name):
    try:
        await asyncio.sleep(0.125)
        log(f"{name} slept")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    return name


async def main():
    t = asyncio.create_task(worker("a"))
    await asyncio.sleep(0)
    t.cancel()
    log(f"a cancelling={t.cancelling()} uncancel={t.uncancel()}")
    res = await asyncio.gather(t, return_exceptions=True)
    log(f"a result {res!r} cancelled={t.cancelled()}")
    u = asyncio.create_task(worker("b"))
    await asyncio.sleep(0)
    u.cancel()
    u.cancel()
    log(f"b uncancel={u.uncancel()}")
    res = await asyncio.gather(u, return_exceptions=True)
    log(f"b result {res!r}")
    v = asyncio.create_task(worker("c"))
    v.cancel()
    log(f"c uncancel={v.uncancel()} before its first step")
    res = await asyncio.gather(v, return_exceptions=True)
    log(f"c result {res!r}")

run(main())
