# Rule 9: Event.set then clear in one step wakes the waiters; a waiter arriving after clear waits for a timer's set.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name):
    await ev.wait()
    log(f"{name} woke, is_set={ev.is_set()}")


async def main():
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    ev.set()
    ev.clear()
    late = asyncio.create_task(waiter(ev, "late"))
    log("set and cleared")
    asyncio.get_running_loop().call_later(0.25, ev.set)
    await asyncio.gather(*ws, late)
    log("end")

run(main())
