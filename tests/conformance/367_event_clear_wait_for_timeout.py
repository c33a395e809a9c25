# Rules 9, 11: Event waiters with wait_for timeouts: set() then clear() in one step wakes those waiting; one arriving after clear() times out; set again releases a late one.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name, delay, limit):
    await asyncio.sleep(delay)
    try:
        await asyncio.wait_for(ev.wait(), limit)
        log(f"{name} woke, is_set={ev.is_set()}")
    except TimeoutError:
        log(f"{name} timed out")


async def main():
    ev = asyncio.Event()
    ts = [asyncio.create_task(waiter(ev, "a", 0, 2)),
          asyncio.create_task(waiter(ev, "b", 0.5, 2)),
          asyncio.create_task(waiter(ev, "c", 1.5, 1)),
          asyncio.create_task(waiter(ev, "d", 1.5, 3))]
    await asyncio.sleep(1)
    ev.set()
    ev.clear()
    log("set and cleared")
    await asyncio.sleep(2)
    ev.set()
    log("set again")
    await asyncio.gather(*ts)

run(main())
