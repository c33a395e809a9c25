# Rules 5, 7: cancelling the outer of a chain (outer awaits mid, mid awaits an Event) forwards to mid; mid ends cancelled and outer resumes one slot later, cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def mid(ev):
    try:
        await ev.wait()
    except asyncio.CancelledError:
        log("mid cancelled")
        raise


async def outer(m):
    try:
        await m
    except asyncio.CancelledError:
        log(f"outer cancelled, mid cancelled={m.cancelled()}")
        raise


async def ticker():
    for i in range(4):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    ev = asyncio.Event()
    m = asyncio.create_task(mid(ev))
    o = asyncio.create_task(outer(m))
    await asyncio.sleep(0)
    k = asyncio.create_task(ticker())
    o.cancel()
    log(f"cancel requested, mid cancelling={m.cancelling()}")
    await asyncio.gather(o, k, return_exceptions=True)
    log(f"event set={ev.is_set()} mid done={m.done()}")

run(main())
