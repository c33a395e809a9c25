# Rules 7, 10: a producer blocked on a full queue and cancelled puts nothing; the next blocked producer takes its turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(q, item):
    try:
        await q.put(item)
        log(f"put {item}")
    except asyncio.CancelledError:
        log(f"put {item} cancelled")
        raise


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait("first")
    p1 = asyncio.create_task(producer(q, "p1"))
    p2 = asyncio.create_task(producer(q, "p2"))
    await asyncio.sleep(0.5)
    p1.cancel()
    await asyncio.sleep(0)
    log(f"got {q.get_nowait()}")
    await asyncio.gather(p1, p2, return_exceptions=True)
    log(f"got {q.get_nowait()}, size={q.qsize()}")


run(main())
