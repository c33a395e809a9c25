# Rules 5, 7: cancelling a task that awaits a task that awaits a future forwards down the chain inside cancel(): the future is cancelled, its other awaiter wakes first, then the inner task, then the outer.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def inner(f):
    try:
        return await f
    except asyncio.CancelledError:
        log("inner cancelled")
        raise


async def outer(t):
    try:
        return await t
    except asyncio.CancelledError:
        log("outer cancelled")
        raise


async def other(f):
    try:
        await f
    except asyncio.CancelledError:
        log(f"other sees the future cancelled, args={f.exception().args if False else 'n/a'}")


async def ticker():
    for i in range(5):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    f = asyncio.get_running_loop().create_future()
    o = asyncio.create_task(other(f))
    t = asyncio.create_task(inner(f))
    u = asyncio.create_task(outer(t))
    await asyncio.sleep(1)
    k = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    log(f"cancel returns {u.cancel()}")
    log(f"f cancelled={f.cancelled()} t cancelling={t.cancelling()}")
    await asyncio.gather(o, k, return_exceptions=True)
    log(f"t cancelled={t.cancelled()} u cancelled={u.cancelled()}")

run(main())
