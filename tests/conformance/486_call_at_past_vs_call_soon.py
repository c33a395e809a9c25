# Rules 2, 4: call_at in the past and call_later(-1) enter at the next pass, after call_soon callbacks queued in this one, in arming order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.5)
    now = loop.time()
    loop.call_at(now - 0.25, log, "call_at past")
    loop.call_soon(log, "soon 1")
    loop.call_later(-1, log, "call_later -1")
    loop.call_later(0, log, "call_later 0")
    loop.call_soon(log, "soon 2")
    log("armed")
    await asyncio.sleep(0)
    log("main after sleep0")
    await asyncio.sleep(0)
    log("main after second sleep0")

run(main())
