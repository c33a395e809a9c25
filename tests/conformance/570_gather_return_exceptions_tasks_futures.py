# Rules 5, 6, 7: gather(return_exceptions=True) over tasks and bare futures: a future cancelled by a callback, one failed, a task failing; the list in argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ok(d):
    await asyncio.sleep(d)
    log(f"ok {d}")
    return d


async def bad():
    await asyncio.sleep(0.25)
    log("bad raises")
    raise KeyError("k")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    g = loop.create_future()
    loop.call_later(0.125, f.cancel)
    loop.call_later(0.375, g.set_exception, ValueError("g"))
    r = await asyncio.gather(asyncio.create_task(ok(0.5)), f, asyncio.create_task(bad()), g, return_exceptions=True)
    log(f"results {r!r}")

run(main())