# Rules 7, 10: a blocked putter woken by a get and cancelled before it runs passes its turn on to the next putter; no slot is lost.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def putter(q, name, item):
    try:
        await q.put(item)
        log(f"{name} put {item}")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait(0)
    ps = [asyncio.create_task(putter(q, f"p{i}", i + 1)) for i in range(3)]
    await asyncio.sleep(0)
    log(f"got {q.get_nowait()}")
    ps[0].cancel()
    await asyncio.sleep(0)
    log(f"size={q.qsize()}")
    await asyncio.sleep(0)
    log(f"got {q.get_nowait()}")
    await asyncio.sleep(0)
    log(f"got {q.get_nowait()}")
    await asyncio.gather(*ps, return_exceptions=True)
    log(f"size={q.qsize()}")

run(main())
