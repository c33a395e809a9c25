# Eager tasks (3.12): callbacks added to a task done at spawn are scheduled with call_soon at once (behind what is queued), in the order they are added.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick():
    log("quick runs")
    asyncio.get_running_loop().call_soon(log, "call_soon from quick")
    return 1


async def slow():
    log("slow first step")
    await asyncio.sleep(0)
    log("slow ends")
    return 2


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    loop.call_soon(log, "call_soon before")
    t = asyncio.create_task(quick())
    t.add_done_callback(lambda f: log(f"cb1 {f.result()}"))
    u = asyncio.create_task(slow())
    u.add_done_callback(lambda f: log(f"cb slow {f.result()}"))
    loop.call_soon(log, "call_soon after")
    t.add_done_callback(lambda f: log(f"cb2 {f.result()}"))
    log("main before sleep")
    await asyncio.sleep(0)
    log("main after sleep(0)")
    await u
    log("main end")


run(main())
