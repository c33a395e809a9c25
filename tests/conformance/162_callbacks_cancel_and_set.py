# Rules 5, 7: callbacks act on tasks and events: call_later cancels a task, call_soon sets an Event; each takes one slot.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log("sleeper cancelled")
        raise


async def waiter(ev):
    await ev.wait()
    log("waiter woke")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(sleeper())
    loop.call_later(1, t.cancel)
    ev = asyncio.Event()
    w = asyncio.create_task(waiter(ev))
    await asyncio.sleep(0.5)
    loop.call_soon(ev.set)
    log("set scheduled")
    await w
    res = await asyncio.gather(t, return_exceptions=True)
    log(f"sleeper: {type(res[0]).__name__} at the callback's time")


run(main())
