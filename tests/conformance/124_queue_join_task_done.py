# Rule 10: Queue(maxsize=2): a producer blocks on put, two consumers call task_done; join returns after the last; then consumers are cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, n):
    for i in range(n):
        await q.put(i)
        log(f"put {i} (size {q.qsize()})")
    log("producer done")


async def consumer(q, name, delay):
    try:
        while True:
            item = await q.get()
            log(f"{name} got {item}")
            await asyncio.sleep(delay)
            q.task_done()
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    q = asyncio.Queue(maxsize=2)
    cs = [asyncio.create_task(consumer(q, "c0", 0.5)), asyncio.create_task(consumer(q, "c1", 0.75))]
    await producer(q, 6)
    await q.join()
    log("joined")
    for c in cs:
        c.cancel()
    await asyncio.gather(*cs, return_exceptions=True)
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        log("QueueEmpty")
    try:
        q.task_done()
    except ValueError as e:
        log(f"ValueError: {e}")


run(main())
