import asyncio, sys
import os; sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/conformance"))
from vclock import log, run

async def user(name, b):
    for rnd in range(2):
        i = await b.wait()
        log(f"{name} round {rnd} index {i}")

async def main():
    b = asyncio.Barrier(3)
    ts = [asyncio.create_task(user(n, b)) for n in "abc"]
    for t in ts: await t
    # abort test
    b = asyncio.Barrier(3)
    async def w1(): 
        try: return await b.wait()
        except asyncio.BrokenBarrierError: return "broken"
    w = asyncio.create_task(w1())
    await asyncio.sleep(0)
    log(f"n_waiting={b.n_waiting}")
    await b.abort()
    log(f"w -> {await w}")
    await b.reset()
    async def w2(): return await b.wait()
    x = asyncio.create_task(w2()); y = asyncio.create_task(w2())
    mine = await b.wait()
    log(f"mine={mine} x={await x} y={await y}")

run(main())
