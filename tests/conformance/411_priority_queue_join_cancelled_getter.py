# Rules 7, 10: PriorityQueue consumers, one cancelled while holding an item it has not marked done: join waits; the item is put back and another consumer finishes it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(q, name, hold):
    while True:
        prio, item = await q.get()
        try:
            log(f"{name} works on {item}")
            await asyncio.sleep(hold)
            log(f"{name} finished {item}")
            q.task_done()
        except asyncio.CancelledError:
            log(f"{name} cancelled holding {item}")
            q.put_nowait((prio, item))
            q.task_done()
            raise


async def main():
    q = asyncio.PriorityQueue()
    for prio, item in ((3, "c"), (1, "a"), (2, "b")):
        q.put_nowait((prio, item))
    slow = asyncio.create_task(consumer(q, "slow", 2))
    fast = asyncio.create_task(consumer(q, "fast", 0.5))
    await asyncio.sleep(1)
    slow.cancel()
    await q.join()
    log(f"joined, qsize={q.qsize()}")
    fast.cancel()
    await asyncio.gather(slow, fast, return_exceptions=True)

run(main())
