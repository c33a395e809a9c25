# Rules 6, 7: gather(return_exceptions=True) over a task cancelled before its first step and one raising in its first step lists both; the others' results kept.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def boom():
    raise KeyError("k")


async def val(v):
    await asyncio.sleep(0)
    return v


async def main():
    a = asyncio.create_task(val(1))
    b = asyncio.create_task(val(2))
    c = asyncio.create_task(boom())
    b.cancel()
    res = await asyncio.gather(a, b, c, return_exceptions=True)
    log(f"results {[r if isinstance(r, int) else type(r).__name__ for r in res]}")
    try:
        await asyncio.gather(asyncio.create_task(val(3)), asyncio.create_task(boom()))
    except KeyError as e:
        log(f"first failure {e!r}")
    await asyncio.sleep(0)
    log("end")

run(main())
