# Rules 6, 7: a task cancelled before its first step never runs; gather over it raises CancelledError as soon as it ends, the others run on; with return_exceptions it is listed.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    log(f"{name} starts")
    await asyncio.sleep(d)
    log(f"{name} done")
    return name


async def main():
    a = asyncio.create_task(job("a", 1))
    b = asyncio.create_task(job("b", 1))
    b.cancel()
    try:
        await asyncio.gather(a, b)
    except asyncio.CancelledError:
        log(f"gather cancelled, a done={a.done()}")
    await a
    c = asyncio.create_task(job("c", 1))
    d = asyncio.create_task(job("d", 1))
    c.cancel()
    r = await asyncio.gather(c, d, return_exceptions=True)
    log(f"listed {[type(x).__name__ for x in r]}")

run(main())
