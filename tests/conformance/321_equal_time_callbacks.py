# Rules 4, 5: call_later, call_at and a sleep with the same deadline run in arming order; a call_soon made by a timer callback runs after the other due timers.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper(name, d):
    await asyncio.sleep(d)
    log(f"{name} woke")


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    loop.call_later(1, log, "later A")
    s = asyncio.create_task(sleeper("s", 1))
    await asyncio.sleep(0)
    loop.call_at(t0 + 1, log, "at B")
    loop.call_later(1, lambda: loop.call_soon(log, "soon from C"))
    loop.call_later(1, log, "later D")
    await asyncio.sleep(1)
    log("main woke")
    await s

run(main())
