# Rules 7, 9: an Event waiter cancelled with a message gets it; the remaining waiter wakes on set(); a cancel after set() before the waiter runs still cancels it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def waiter(ev, name):
    try:
        await ev.wait()
        log(f"{name} woke")
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e.args}")
        raise


async def main():
    ev = asyncio.Event()
    a = asyncio.create_task(waiter(ev, "a"))
    b = asyncio.create_task(waiter(ev, "b"))
    c = asyncio.create_task(waiter(ev, "c"))
    await asyncio.sleep(0)
    a.cancel("stop a")
    await asyncio.sleep(0)
    ev.set()
    c.cancel()
    log("set, c cancelled")
    res = await asyncio.gather(a, b, c, return_exceptions=True)
    log(f"results {[type(r).__name__ for r in res]}")

run(main())
