# Rules 1, 5, 8, 9: uncontended Lock, Semaphore, Event and Queue operations do not yield; a ticker shows none of them takes a slot.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(n):
    for i in range(n):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    t = asyncio.create_task(ticker(3))
    await asyncio.sleep(0)
    lock, sem, ev, q = asyncio.Lock(), asyncio.Semaphore(2), asyncio.Event(), asyncio.Queue()
    async with lock:
        log("lock held")
    async with sem:
        log("semaphore held")
    ev.set()
    await ev.wait()
    log("event passed")
    await q.put(1)
    log(f"queue gave {await q.get()}")
    q.task_done()
    await q.join()
    log("joined")
    cond = asyncio.Condition()
    async with cond:
        await cond.wait_for(lambda: True)
        log("condition predicate true")
    await asyncio.sleep(0)
    log("main yields once")
    await t

run(main())
