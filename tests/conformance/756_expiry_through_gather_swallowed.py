# Rules 7, 11, 12: a timeout's expiry cancels the task that awaits a gather, which forwards it to the gathered tasks (`_GatheringFuture.cancel()` sets `_cancel_requested`). Children that catch the CancelledError and return values: the gather still raises CancelledError, and the timeout turns it into TimeoutError (one child, two children, `return_exceptions`, `wait_for` of a coroutine awaiting the gather). A child that catches and raises ValueError fails the gather with it, and the timeout lets it through, expired. simloop gave the gather the children's values and raised no TimeoutError. Found by scripts/differential.py (seed 8300, program 42).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def swallows(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}")
        asyncio.current_task().uncancel()
        return f"{name} value"
    return f"{name} finished"


async def fails(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} caught, raises ValueError")
        raise ValueError(name)
    return f"{name} finished"


async def gathers(*ts, **kw):
    return await asyncio.gather(*ts, **kw)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(swallows("a"))
    try:
        async with asyncio.timeout_at(loop.time() + 0.25) as cm:
            r = await asyncio.gather(t)
            log(f"gather returned {r}")
    except TimeoutError:
        log(f"one child: TimeoutError, expired {cm.expired()}, a {t.result()!r}")
    ts = [asyncio.create_task(swallows("b")), asyncio.create_task(swallows("c"))]
    try:
        async with asyncio.timeout(0.25) as cm:
            r = await asyncio.gather(*ts)
            log(f"gather returned {r}")
    except TimeoutError:
        log(f"two children: TimeoutError, expired {cm.expired()}")
    t = asyncio.create_task(swallows("d"))
    try:
        async with asyncio.timeout(0.25):
            r = await asyncio.gather(t, return_exceptions=True)
            log(f"gather returned {r}")
    except TimeoutError:
        log("return_exceptions: TimeoutError")
    t = asyncio.create_task(swallows("e"))
    try:
        r = await asyncio.wait_for(gathers(t), 0.25)
        log(f"wait_for returned {r}")
    except TimeoutError:
        log(f"wait_for: TimeoutError, cancelling {asyncio.current_task().cancelling()}")
    t = asyncio.create_task(fails("f"))
    try:
        async with asyncio.timeout(0.25) as cm:
            r = await asyncio.gather(t)
            log(f"gather returned {r}")
    except ValueError as e:
        log(f"ValueError {e} passes, expired {cm.expired()}")
    ts = [asyncio.create_task(fails("g")), asyncio.create_task(swallows("h"))]
    try:
        async with asyncio.timeout(0.25) as cm:
            r = await asyncio.gather(*ts)
            log(f"gather returned {r}")
    except ValueError as e:
        log(f"ValueError {e} passes, expired {cm.expired()}")
    await asyncio.sleep(0)
    log(f"h {ts[1].result()!r}, cancelling {asyncio.current_task().cancelling()}")


run(main())
