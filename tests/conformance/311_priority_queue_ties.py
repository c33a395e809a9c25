# Rule 10: PriorityQueue ties on the priority are broken by the next tuple item; waiting getters take the smallest item when they run.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    prio, seq, job = await q.get()
    log(f"{name} got {job} (prio {prio}, seq {seq})")


async def main():
    q = asyncio.PriorityQueue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(2)]
    await asyncio.sleep(0)
    q.put_nowait((2, 0, "write"))
    q.put_nowait((1, 1, "read"))
    q.put_nowait((1, 0, "open"))
    log("put three")
    await asyncio.gather(*gs)
    for seq, (prio, job) in enumerate([(3, "z"), (1, "b"), (3, "a"), (1, "a")]):
        q.put_nowait((prio, seq, job))
    order = []
    while not q.empty():
        order.append(q.get_nowait()[2])
    log(f"drained {order}")

run(main())
