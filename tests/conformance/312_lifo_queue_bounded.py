# Rule 10: a bounded LifoQueue: blocked producers are admitted in blocking order, the consumer always takes the newest item.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, name, items):
    for item in items:
        await q.put(item)
        log(f"{name} put {item}")


async def main():
    q = asyncio.LifoQueue(maxsize=2)
    ps = [asyncio.create_task(producer(q, f"p{i}", [f"{i}a", f"{i}b"])) for i in range(2)]
    await asyncio.sleep(0.5)
    log(f"full={q.full()} qsize={q.qsize()}")
    got = []
    while len(got) < 4:
        got.append(await q.get())
        log(f"got {got[-1]}")
        await asyncio.sleep(0)
    await asyncio.gather(*ps)
    log(f"order {got}")

run(main())
