# Rules 7, 9: an Event waiter cancelled before set() is skipped; the others wake in wait order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name):
    try:
        await ev.wait()
        log(f"{name} woke")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    ev = asyncio.Event()
    ts = [asyncio.create_task(waiter(ev, f"w{i}")) for i in range(4)]
    await asyncio.sleep(1)
    ts[1].cancel()
    ev.set()
    ts[2].cancel()
    log("set with w1 cancelled before and w2 after")
    r = await asyncio.gather(*ts, return_exceptions=True)
    log(f"results {[type(x).__name__ for x in r]}")

run(main())
