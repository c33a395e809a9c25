# Rules 9, 12: a TaskGroup child sets an Event and fails in the same step: the waiters woken by set() are queued before the group's abort, so they run first and are not cancelled; a later waiter is.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name, extra):
    try:
        await ev.wait()
        log(f"{name} woke")
        await asyncio.sleep(extra)
        log(f"{name} finished")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def setter(ev):
    await asyncio.sleep(1)
    ev.set()
    log("setter set the event and fails")
    raise ZeroDivisionError("setter")


async def main():
    ev = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(waiter(ev, "w1", 0))
            tg.create_task(waiter(ev, "w2", 1))
            tg.create_task(setter(ev))
    except* ZeroDivisionError:
        log("group failed")

run(main())
