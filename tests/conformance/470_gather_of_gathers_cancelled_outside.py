# Rules 6, 7: the task awaiting a gather of gathers is cancelled: every leaf is cancelled depth first in argument order, the finished one kept.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def outer():
    try:
        return await asyncio.gather(
            asyncio.gather(leaf("a1", 0.125), leaf("a2", 1)),
            asyncio.gather(leaf("b1", 1), leaf("b2", 1)),
            leaf("c", 1))
    except asyncio.CancelledError:
        log("outer cancelled")
        raise


async def main():
    t = asyncio.create_task(outer())
    await asyncio.sleep(0.25)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        log("main sees cancelled")

run(main())
