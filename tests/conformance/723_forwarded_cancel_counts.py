# Rule 7: `Task.cancel()` on a task that awaits another task cancels the awaited one again each time (its `_fut_waiter`), so the awaited task counts every request in `cancelling()`; the same through a gather, whose children count each cancel of the gather's caller. simloop forwarded only the first request. Found by scripts/differential.py (seed 2200, program 2215).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf():
    await asyncio.sleep(1)


async def mid(t):
    await t


async def gatherer(a, b):
    await asyncio.gather(a, b)


async def main():
    inner = asyncio.create_task(leaf())
    outer = asyncio.create_task(mid(inner))
    await asyncio.sleep(0)
    for n in range(3):
        outer.cancel()
        log(f"outer.cancel() {n + 1}: outer {outer.cancelling()}, inner {inner.cancelling()}")
    r = await asyncio.gather(outer, inner, return_exceptions=True)
    log(f"ended {r}: outer {outer.cancelling()}, inner {inner.cancelling()}")
    a = asyncio.create_task(leaf())
    b = asyncio.create_task(leaf())
    g = asyncio.create_task(gatherer(a, b))
    await asyncio.sleep(0)
    g.cancel()
    g.cancel()
    log(f"gatherer cancelled twice: {g.cancelling()}, children {a.cancelling()} {b.cancelling()}")
    r = await asyncio.gather(g, a, b, return_exceptions=True)
    log(f"ended {r}")


run(main())
