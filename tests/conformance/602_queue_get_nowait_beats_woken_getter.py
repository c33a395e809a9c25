# Rule 10: a put wakes a waiting getter, but the running task takes the item first with get_nowait; the getter finds the queue empty and waits again for the next item.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def getter(q):
    item = await q.get()
    log(f"getter got {item}")


async def main():
    q = asyncio.Queue()
    g = asyncio.create_task(getter(q))
    await asyncio.sleep(0)
    q.put_nowait("a")
    log(f"main took {q.get_nowait()}")
    await asyncio.sleep(0)
    log(f"getter done={g.done()}")
    q.put_nowait("b")
    await g
    log(f"end qsize={q.qsize()}")

run(main())
