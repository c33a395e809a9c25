# Rules 1, 5, 9: one step queues a call_soon, an Event wake, a Future wake and a task's first step: they run in the order queued; a sleep(0) loop takes its turn between them.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def spinner():
    for i in range(3):
        log(f"spin {i}")
        await asyncio.sleep(0)


async def ev_waiter(ev):
    await ev.wait()
    log("event waiter")


async def fut_waiter(f):
    log(f"future waiter got {await f}")


async def fresh():
    log("fresh task first step")


async def main():
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()
    f = loop.create_future()
    s = asyncio.create_task(spinner())
    e = asyncio.create_task(ev_waiter(ev))
    w = asyncio.create_task(fut_waiter(f))
    await asyncio.sleep(0)
    log("main queues four")
    loop.call_soon(log, "call_soon")
    ev.set()
    f.set_result("v")
    n = asyncio.create_task(fresh())
    await asyncio.gather(s, e, w, n)
    log("end")

run(main())
