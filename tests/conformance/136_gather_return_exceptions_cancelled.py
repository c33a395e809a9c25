# Rule 6: a gather(return_exceptions=True) cancelled by hand raises CancelledError, not a list; a nested gather's failure reaches the outer gather at once.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    g = asyncio.gather(leaf("x", 1), leaf("y", 2), return_exceptions=True)
    await asyncio.sleep(0.5)
    g.cancel()
    try:
        r = await g
        log(f"list {r}")
    except asyncio.CancelledError:
        log("gather raised CancelledError")
    inner = asyncio.gather(leaf("i1", 0.5), leaf("i2", 1, fail=True))
    outer = asyncio.gather(inner, leaf("o1", 2))
    try:
        await outer
    except ValueError as e:
        log(f"outer raised ValueError({e})")
    await asyncio.sleep(1.5)
    log("end")


run(main())
