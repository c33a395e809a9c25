# Rule 6: gather(return_exceptions=True) puts a cancelled child's CancelledError in its place, with an empty message argument.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def nap(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} done")
    return name


async def main():
    a = asyncio.create_task(nap("a", 1))
    b = asyncio.create_task(nap("b", 2))
    c = asyncio.create_task(nap("c", 3))
    await asyncio.sleep(0.5)
    b.cancel()
    c.cancel("stop")
    r = await asyncio.gather(a, b, c, return_exceptions=True)
    log(f"results {r!r}")


run(main())
