# Rule 10: PriorityQueue items with equal priority ordered by a sequence number; getters waiting before the puts are served FIFO.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def getter(q, name):
    p, seq, v = await q.get()
    log(f"{name} got {v} (p={p}, seq={seq})")


async def main():
    q = asyncio.PriorityQueue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(2)]
    await asyncio.sleep(0)
    seq = 0
    for p, v in [(2, "low"), (1, "high-a"), (1, "high-b"), (2, "low-b")]:
        q.put_nowait((p, seq, v))
        seq += 1
    log(f"size {q.qsize()}")
    await asyncio.gather(*gs)
    while not q.empty():
        log(f"left {q.get_nowait()}")

run(main())
