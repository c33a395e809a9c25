# Rules 9, 11: Event.set then clear in one step: both waiters return; a waiter arriving after clear times out under wait_for; a set by call_later releases the last one.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name):
    await ev.wait()
    log(f"{name} woke is_set={ev.is_set()}")


async def late(ev):
    try:
        await asyncio.wait_for(ev.wait(), 0.125)
        log("late woke")
    except TimeoutError:
        log("late timed out")
    await ev.wait()
    log(f"late woke at last is_set={ev.is_set()}")


async def main():
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, n)) for n in ("w1", "w2")]
    await asyncio.sleep(0)
    ev.set()
    ev.clear()
    log("set and cleared")
    l = asyncio.create_task(late(ev))
    asyncio.get_running_loop().call_later(0.375, ev.set)
    await asyncio.gather(*ws, l)
    log("end")

run(main())