# Rules 7, 10: a getter blocked in Queue.get cancelled from outside leaves the line; the next put goes to the next getter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    try:
        item = await q.get()
        log(f"{name} got {item}")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    q = asyncio.Queue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(0)
    gs[0].cancel()
    await asyncio.sleep(0)
    q.put_nowait("a")
    q.put_nowait("b")
    log(f"put two, size={q.qsize()}")
    await asyncio.gather(*gs, return_exceptions=True)
    log(f"end size={q.qsize()}")

run(main())
