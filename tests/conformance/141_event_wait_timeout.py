# Rules 9, 11: waiting on an Event with a timeout; a setter wakes the waiters still waiting, in wait order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name, limit):
    try:
        await asyncio.wait_for(ev.wait(), timeout=limit)
        log(f"{name} saw the event")
    except TimeoutError:
        log(f"{name} timed out")


async def setter(ev, delay):
    await asyncio.sleep(delay)
    log("setting")
    ev.set()


async def main():
    ev = asyncio.Event()
    await asyncio.gather(waiter(ev, "short", 0.5), waiter(ev, "long", 2), setter(ev, 1), waiter(ev, "exact", 1))
    log(f"is_set={ev.is_set()}")


run(main())
