# Rules 6, 7: cancelling the task that awaits an outer gather cancels the inner gather's children too, in argument order, depth first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def branch(prefix):
    return await asyncio.gather(leaf(prefix + "1", 2), leaf(prefix + "2", 3))


async def main():
    async def outer():
        return await asyncio.gather(branch("a"), branch("b"), leaf("c", 0.5))
    t = asyncio.create_task(outer())
    await asyncio.sleep(1)
    t.cancel()
    res = await asyncio.gather(t, return_exceptions=True)
    log(f"outer: {type(res[0]).__name__}")


run(main())
