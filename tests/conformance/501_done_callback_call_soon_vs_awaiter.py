# Rules 1, 5: a task's done-callback that calls call_soon queues it behind the task's direct awaiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def a():
    await asyncio.sleep(0.25)
    log("a ends")


async def b(t):
    await t
    log("b resumed")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(a())
    t.add_done_callback(lambda _: (log("cb"), loop.call_soon(log, "soon from cb")))
    w = asyncio.create_task(b(t))
    await asyncio.sleep(0.5)
    await w
    log("end")

run(main())
