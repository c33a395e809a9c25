# Rules 1, 2, 4, 5: call_later(0) is a timer: it runs after the call_soon callbacks queued with it, and a call_at in the past, an earlier deadline, runs before it; a cancelled handle never runs, even one cancelled by a callback.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker():
    for i in range(4):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(1)
    t = asyncio.create_task(ticker())
    loop.call_soon(log, "soon 1")
    loop.call_later(0, log, "later 0")
    h = loop.call_soon(log, "soon cancelled")
    loop.call_at(loop.time() - 1, log, "at past")
    loop.call_soon(log, "soon 2")
    h.cancel()
    h2 = loop.call_later(0.5, log, "later cancelled")
    loop.call_later(0.5, log, "later 0.5")
    loop.call_soon(h2.cancel)
    await t
    await asyncio.sleep(1)
    log(f"cancelled={h.cancelled()} {h2.cancelled()}")

run(main())
