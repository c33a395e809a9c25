# Rules 9, 11: an Event set once releases all current waiters; a late waiter with wait_for returns at once; clear() makes the next one time out.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def w(ev, name):
    await ev.wait()
    log(f"{name} released")


async def main():
    ev = asyncio.Event()
    ts = [asyncio.create_task(w(ev, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0.125)
    ev.set()
    log("set")
    await asyncio.wait_for(ev.wait(), 0.125)
    log("late waiter returned at once")
    await asyncio.gather(*ts)
    ev.clear()
    try:
        await asyncio.wait_for(ev.wait(), 0.125)
    except TimeoutError:
        log("after clear: timed out")

run(main())
