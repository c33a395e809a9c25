# Rules 7, 12: `gather(return_exceptions=True)` over bare futures and a task: a future cancelled with a message is listed as `CancelledError(msg)` (a future's `_make_cancelled_error()` builds it from `_cancel_message` at every retrieval), one cancelled without as `CancelledError()`, whether it was cancelled before the gather or while the gather waits, and in a second gather again. The scenario language listed `CancelledError('')` for every cancelled future. Found by scripts/differential.py (seed 8400, program 23).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker():
    await asyncio.sleep(0.25)
    return "w"


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    g = loop.create_future()
    f.cancel("early")
    loop.call_later(0.125, g.cancel, "late")
    t = asyncio.create_task(worker())
    r = await asyncio.gather(f, t, g, return_exceptions=True)
    log(f"first {r}")
    r = await asyncio.gather(g, f, return_exceptions=True)
    log(f"again {r}")
    h = loop.create_future()
    loop.call_soon(h.cancel)
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"no message {r}")


run(main())
