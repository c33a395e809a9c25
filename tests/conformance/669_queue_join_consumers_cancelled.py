# Rules 7, 10: Queue.join() with three consumers, two cancelled mid-item: each cancelled consumer marks its item done in finally, so the count stays right; join() returns once the last consumer has finished the last item, in the pass of the cancellations.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(q, name, d):
    try:
        while True:
            item = await q.get()
            try:
                log(f"{name} takes {item}")
                await asyncio.sleep(d)
                log(f"{name} finished {item}")
            finally:
                q.task_done()
    except asyncio.CancelledError:
        log(f"{name} cancelled, qsize={q.qsize()}")
        raise


async def main():
    q = asyncio.Queue()
    for i in range(6):
        q.put_nowait(i)
    cs = [asyncio.create_task(consumer(q, n, d)) for n, d in [("c0", 0.25), ("c1", 0.5), ("c2", 0.125)]]
    joiner = asyncio.create_task(q.join())
    joiner.add_done_callback(lambda t: log("join returned"))
    await asyncio.sleep(0.375)
    cs[0].cancel()
    cs[1].cancel()
    log(f"cancelled c0 and c1, qsize={q.qsize()}")
    await joiner
    log(f"joined, qsize={q.qsize()}")
    cs[2].cancel()
    r = await asyncio.gather(*cs, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]}")

run(main())
