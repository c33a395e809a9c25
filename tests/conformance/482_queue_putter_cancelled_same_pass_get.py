# Rules 7, 10: a blocked putter is cancelled in the step that frees a slot: the next putter gets the slot.
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
    q.put_nowait("x")
    ps = [asyncio.create_task(putter(q, f"p{i}", i)) for i in range(3)]
    await asyncio.sleep(0)
    ps[0].cancel()
    log(f"got {q.get_nowait()}")
    await asyncio.sleep(0)
    log(f"size={q.qsize()}")
    log(f"got {q.get_nowait()}")
    await asyncio.gather(*ps, return_exceptions=True)
    log(f"end items={[q.get_nowait() for _ in range(q.qsize())]}")

run(main())
