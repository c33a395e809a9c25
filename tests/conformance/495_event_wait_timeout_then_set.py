# Rules 9, 11: an Event waiter given up by wait_for leaves; a set afterwards wakes only the waiter still there.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name, t):
    try:
        await asyncio.wait_for(ev.wait(), t)
        log(f"{name} woke")
    except TimeoutError:
        log(f"{name} gave up")


async def main():
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, "a", 0.25)), asyncio.create_task(waiter(ev, "b", 1))]
    await asyncio.sleep(0.5)
    ev.set()
    log("set")
    await asyncio.gather(*ws)

run(main())
