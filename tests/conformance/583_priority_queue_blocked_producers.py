# Rule 10: a bounded PriorityQueue: blocked producers are admitted in blocking order as getters free slots; getters take the smallest item present at their turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, item):
    await q.put(item)
    log(f"put {item}")


async def main():
    q = asyncio.PriorityQueue(maxsize=2)
    q.put_nowait(5)
    q.put_nowait(3)
    ps = [asyncio.create_task(producer(q, i)) for i in (4, 1, 2)]
    await asyncio.sleep(0)
    for _ in range(5):
        log(f"got {await q.get()} qsize={q.qsize()}")
        await asyncio.sleep(0)
    await asyncio.gather(*ps)

run(main())