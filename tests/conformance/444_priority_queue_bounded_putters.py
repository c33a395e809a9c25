# Rule 10: a bounded PriorityQueue: blocked putters are admitted in blocking order, each get takes the smallest item present.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, name, item):
    await q.put(item)
    log(f"{name} put {item}")


async def main():
    q = asyncio.PriorityQueue(maxsize=2)
    q.put_nowait(5)
    q.put_nowait(3)
    ps = [asyncio.create_task(producer(q, n, i)) for n, i in (("p1", 4), ("p2", 1), ("p3", 2))]
    await asyncio.sleep(0)
    for _ in range(5):
        log(f"got {await q.get()} size={q.qsize()}")
        await asyncio.sleep(0)
    await asyncio.gather(*ps)

run(main())
