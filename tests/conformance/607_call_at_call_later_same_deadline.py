# Rules 2, 4, 5: call_at and call_later callbacks and a sleep sharing one deadline run in arming order; a call_soon from a timer callback runs after every timer of that instant and the woken task.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def sleeper():
    await asyncio.sleep(0.25)
    log("sleeper woke")


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    loop.call_at(t0 + 0.25, lambda: log("at 1"))
    s = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    loop.call_later(0.25, lambda: (log("later 1"), loop.call_soon(lambda: log("soon from later 1"))))
    loop.call_at(t0 + 0.25, lambda: log("at 2"))
    await asyncio.sleep(0.25)
    log("main woke")
    await s
    log("end")

run(main())
