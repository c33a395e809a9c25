# Rules 1, 10: a worker pool over a Queue stops on one None sentinel per worker; join() returns after the last task_done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def worker(name, q, results):
    while True:
        item = await q.get()
        if item is None:
            log(f"{name} stops")
            q.task_done()
            return
        await asyncio.sleep(item * 0.125)
        results.append((name, item))
        log(f"{name} did {item}")
        q.task_done()


async def main():
    q = asyncio.Queue()
    results = []
    ws = [asyncio.create_task(worker(f"w{i}", q, results)) for i in range(3)]
    for item in [3, 1, 2, 1, 2]:
        await q.put(item)
    for _ in ws:
        await q.put(None)
    await q.join()
    log(f"joined, {len(results)} results")
    await asyncio.gather(*ws)
    log(f"order {[i for _, i in results]}")

run(main())
