# Rule 10: getters waiting on a PriorityQueue each take the smallest item when they run, not the one whose put woke them.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    prio, item = await q.get()
    log(f"{name} got {item} ({prio})")


async def main():
    q = asyncio.PriorityQueue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(0)
    q.put_nowait((3, "low"))
    q.put_nowait((1, "high"))
    q.put_nowait((2, "mid"))
    log("three put")
    await asyncio.gather(*gs)
    lq = asyncio.LifoQueue()
    hs = [asyncio.create_task(getter(lq, f"h{i}")) for i in range(2)]
    await asyncio.sleep(0)
    lq.put_nowait((1, "first"))
    lq.put_nowait((2, "second"))
    await asyncio.gather(*hs)


run(main())
