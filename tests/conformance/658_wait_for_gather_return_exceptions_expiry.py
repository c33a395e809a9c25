# Rules 6, 11: wait_for over gather(return_exceptions=True): the children that end before the deadline (one failing) are not reported; the expiry cancels the gather, which cancels the unfinished child; TimeoutError, and the children keep their own outcomes.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d, fail=False):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} raises")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    ts = [
        asyncio.create_task(child("a", 0.125)),
        asyncio.create_task(child("b", 0.125, True)),
        asyncio.create_task(child("c", 0.5)),
    ]
    try:
        r = await asyncio.wait_for(asyncio.gather(*ts, return_exceptions=True), 0.25)
        log(f"gathered {r}")
    except TimeoutError:
        log("TimeoutError")
    await asyncio.sleep(0)
    log(f"states {[('cancelled' if t.cancelled() else repr(t.exception()) if t.exception() else t.result()) for t in ts]}")
    r = await asyncio.wait_for(asyncio.gather(child("d", 0.125), child("e", 0.25, True), return_exceptions=True), 0.5)
    log(f"second gather {[x if isinstance(x, str) else repr(x) for x in r]}")

run(main())
