# Rule 10: producer/consumer with join(); one task_done too many raises ValueError; join waits for the last item.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def consumer(q):
    while True:
        item = await q.get()
        await asyncio.sleep(0.125)
        log(f"consumed {item}")
        q.task_done()


async def main():
    q = asyncio.Queue(maxsize=2)
    c = asyncio.create_task(consumer(q))
    for i in range(4):
        await q.put(i)
        log(f"put {i} size={q.qsize()}")
    await q.join()
    log("joined")
    try:
        q.task_done()
    except ValueError as e:
        log(f"ValueError {e}")
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)
    log(f"consumer cancelled={c.cancelled()}")

run(main())
