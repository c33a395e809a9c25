# Rules 7, 10: a Queue(maxsize=1) hand-off: a blocked putter cancelled leaves its item out; the next putter's item follows.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def putter(q, v):
    try:
        await q.put(v)
        log(f"put {v}")
    except asyncio.CancelledError:
        log(f"putter {v} cancelled")
        raise


async def main():
    q = asyncio.Queue(maxsize=1)
    ps = [asyncio.create_task(putter(q, v)) for v in "abc"]
    await asyncio.sleep(0)
    ps[1].cancel()
    log(f"got {await q.get()}")
    await asyncio.sleep(0)
    log(f"got {await q.get()}")
    await asyncio.gather(*ps, return_exceptions=True)
    log(f"size {q.qsize()}")

run(main())
