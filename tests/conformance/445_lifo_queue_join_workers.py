# Rule 10: LifoQueue workers take the newest item first; join returns after the last task_done, before the workers' next step.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, name):
    while True:
        item = await q.get()
        await asyncio.sleep(item)
        log(f"{name} did {item}")
        q.task_done()


async def main():
    q = asyncio.LifoQueue()
    for i in (0.25, 0.5, 0.75, 1):
        q.put_nowait(i)
    ws = [asyncio.create_task(worker(q, f"w{i}")) for i in range(2)]
    await q.join()
    log("joined")
    for w in ws:
        w.cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    log(f"cancelled={[w.cancelled() for w in ws]}")

run(main())
