# Rule 10: a PriorityQueue of (priority, name) served by two workers; an item put while both are busy goes to the first that asks; join returns after the last task_done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def worker(name, q):
    while True:
        prio, job = await q.get()
        log(f"{name} takes {job} ({prio})")
        await asyncio.sleep(0.125 * prio)
        q.task_done()


async def main():
    q = asyncio.PriorityQueue()
    for item in [(2, "b"), (1, "a"), (3, "c")]:
        q.put_nowait(item)
    ws = [asyncio.create_task(worker(f"w{i}", q)) for i in range(2)]
    await asyncio.sleep(0.125)
    q.put_nowait((1, "late"))
    log(f"late put qsize={q.qsize()}")
    await q.join()
    log(f"joined at {now_ms()}")
    for w in ws:
        w.cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    log("end")

run(main())
