# Rules 7, 9: an Event waiter woken by set() and cancelled before it runs ends cancelled; the other waiter wakes.
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
    ws = [asyncio.create_task(waiter(ev, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    ev.set()
    ws[0].cancel()
    log("set, then cancelled w0")
    r = await asyncio.gather(*ws, return_exceptions=True)
    log(f"results {[type(x).__name__ for x in r]}")

run(main())
