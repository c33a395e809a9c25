# Rules 1, 2 and 5: call_soon/call_later/call_at callbacks take one ready-queue slot each, where a task's step or a timer wake takes its own.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} woke")


async def step(name):
    log(f"{name} step")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(log, "soon-1")
    asyncio.create_task(step("task-A"))
    loop.call_soon(log, "soon-2")
    asyncio.create_task(sleeper("sleeper", 1))
    await asyncio.sleep(0)
    log("main after yield")
    loop.call_later(1, log, "later-1")
    h = loop.call_later(1, log, "never: cancelled")
    loop.call_at(loop.time() + 1, log, "at-1")
    h.cancel()
    await asyncio.sleep(2)
    log("main done")


run(main())
