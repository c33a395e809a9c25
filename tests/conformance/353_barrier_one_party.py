# Rules 1, 9: a Barrier of one party passes at once, without yielding; Barrier(2) reused by the same two tasks keeps indices in arrival order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(n):
    for i in range(n):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def pair(b, name):
    for r in range(2):
        i = await b.wait()
        log(f"{name} round {r} index {i}")


async def main():
    t = asyncio.create_task(ticker(3))
    await asyncio.sleep(0)
    b1 = asyncio.Barrier(1)
    log(f"alone passes as {await b1.wait()}")
    log(f"and again as {await b1.wait()}")
    await t
    b2 = asyncio.Barrier(2)
    await asyncio.gather(pair(b2, "x"), pair(b2, "y"))

run(main())
