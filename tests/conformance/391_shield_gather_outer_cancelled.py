# Rules 6, 7, 12: the task awaiting shield(gather(...)) is cancelled: the gather and its children run on; the result is read from the gather afterwards.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} done")
    return name


async def caller(g):
    try:
        return await asyncio.shield(g)
    except asyncio.CancelledError:
        log(f"caller cancelled, gather done={g.done()}")
        raise


async def main():
    g = asyncio.gather(job("a", 1), job("b", 2))
    c = asyncio.create_task(caller(g))
    await asyncio.sleep(0.5)
    c.cancel()
    await asyncio.sleep(0)
    log(f"c cancelled={c.cancelled()}")
    log(f"gather result {await g}")

run(main())
