# Rules 4, 5, 9: an Event set by a call_later callback at the instant waiters' timeouts expire: timeouts armed before the callback win; those armed after lose to the set.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name, t):
    try:
        await asyncio.wait_for(ev.wait(), t)
        log(f"{name} saw the event")
    except TimeoutError:
        log(f"{name} timed out")


async def main():
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()
    w1 = asyncio.create_task(waiter(ev, "w1", 1))
    await asyncio.sleep(0)
    loop.call_later(1, ev.set)
    w2 = asyncio.create_task(waiter(ev, "w2", 1))
    w3 = asyncio.create_task(waiter(ev, "w3", 2))
    await asyncio.gather(w1, w2, w3)

run(main())
