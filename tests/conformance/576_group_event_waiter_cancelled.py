# Rules 9, 12: a TaskGroup child waiting on an Event is cancelled when a sibling fails; a later set() finds no waiter; the event stays set.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev):
    try:
        await ev.wait()
        log("waiter woke")
    except asyncio.CancelledError:
        log("waiter cancelled")
        raise


async def failer():
    await asyncio.sleep(0.125)
    log("failer raises")
    raise ValueError("x")


async def main():
    ev = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(waiter(ev))
            tg.create_task(failer())
    except* ValueError:
        log("group failed")
    ev.set()
    await ev.wait()
    log(f"set is_set={ev.is_set()}")

run(main())