# Rules 7, 10: a getter woken for an item but cancelled before it runs does not lose the item: the next getter takes it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    try:
        item = await q.get()
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} got {item}")


async def main():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter(q, "g1"))
    g2 = asyncio.create_task(getter(q, "g2"))
    await asyncio.sleep(0)
    q.put_nowait("only")
    g1.cancel()
    await asyncio.gather(g1, g2, return_exceptions=True)
    log(f"size={q.qsize()}")


run(main())
