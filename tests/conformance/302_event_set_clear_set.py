# Rule 9: Event.set wakes every waiter even if clear() and set() follow in the same step; a waiter arriving after clear() waits for the next set.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name):
    log(f"{name} waits")
    await ev.wait()
    log(f"{name} woke, is_set={ev.is_set()}")


async def main():
    ev = asyncio.Event()
    a = asyncio.create_task(waiter(ev, "a"))
    b = asyncio.create_task(waiter(ev, "b"))
    await asyncio.sleep(0.5)
    ev.set()
    ev.clear()
    ev.set()
    ev.clear()
    c = asyncio.create_task(waiter(ev, "c"))
    log("set, clear, set, clear")
    await asyncio.gather(a, b)
    await asyncio.sleep(0.5)
    ev.set()
    log("set again")
    await c
    ev.clear()
    log(f"cleared: {ev.is_set()}")

run(main())
