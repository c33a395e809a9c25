# Rules 1, 2: call_at with a deadline already past runs on the next pass behind call_soon callbacks queued now, in deadline order among timers due.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.25)
    now = loop.time()
    loop.call_at(now, lambda: log("at now"))
    loop.call_at(now - 0.125, lambda: log("at past"))
    loop.call_soon(lambda: log("soon"))
    t = asyncio.create_task(asyncio.sleep(0))
    await asyncio.sleep(0)
    log("main after one yield")
    await asyncio.sleep(0)
    log("main after two yields")
    await t

run(main())
