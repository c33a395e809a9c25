# Rule 10: a LifoQueue: blocked getters take items in FIFO getter order, each the newest present at its turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def getter(q, name):
    v = await q.get()
    log(f"{name} got {v}")


async def main():
    q = asyncio.LifoQueue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(0)
    q.put_nowait(1)
    q.put_nowait(2)
    log("put 1, 2")
    await asyncio.sleep(0)
    q.put_nowait(3)
    q.put_nowait(4)
    log("put 3, 4")
    await asyncio.gather(*gs)
    log(f"left {q.get_nowait()}")

run(main())
