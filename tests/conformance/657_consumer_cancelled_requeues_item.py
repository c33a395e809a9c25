# Rules 7, 10: at-least-once delivery: a consumer cancelled while processing an item puts it back (put_nowait in its except block) and marks it done; another consumer, waiting in get(), takes it at once; join() returns only after the requeued item is processed.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(q, name, d):
    while True:
        item = await q.get()
        log(f"{name} processing {item}")
        try:
            await asyncio.sleep(d)
        except asyncio.CancelledError:
            q.put_nowait(item)
            q.task_done()
            log(f"{name} cancelled, requeued {item}, qsize={q.qsize()}")
            raise
        log(f"{name} done {item}")
        q.task_done()


async def main():
    q = asyncio.Queue()
    for item in ["a", "b", "c"]:
        q.put_nowait(item)
    slow = asyncio.create_task(consumer(q, "slow", 1))
    fast = asyncio.create_task(consumer(q, "fast", 0.125))
    await asyncio.sleep(0.5)
    log(f"cancel slow, qsize={q.qsize()}")
    slow.cancel()
    await q.join()
    log(f"joined, qsize={q.qsize()}")
    fast.cancel()
    r = await asyncio.gather(slow, fast, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]}")

run(main())
