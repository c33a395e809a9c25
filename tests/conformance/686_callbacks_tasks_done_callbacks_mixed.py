# Rules 1, 2, 5: one pass of many kinds: call_soon, call_later(0), call_at(now), a future's done-callbacks, a task's first step and an awaiter of the future, all queued from one step; each takes its slot in the order it was queued, the timers after the first pass; then the same kinds armed for a later instant.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def awaiter(fut, name):
    log(f"{name} awaits")
    v = await fut
    log(f"{name} got {v}")


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    a = asyncio.create_task(awaiter(fut, "a1"))
    await asyncio.sleep(0)
    fut.add_done_callback(lambda f: log(f"fut callback 1 sees {f.result()}"))
    loop.call_at(loop.time(), log, "call_at(now)")
    loop.call_later(0, log, "call_later(0)")
    loop.call_soon(log, "call_soon 1")
    fut.set_result("x")
    fut.add_done_callback(lambda f: log("fut callback 2 (added after done)"))
    b = asyncio.create_task(awaiter(fut, "a2"))
    loop.call_soon(log, "call_soon 2")
    log("main yields")
    await asyncio.sleep(0)
    log("main resumes")
    await asyncio.gather(a, b)
    t0 = loop.time()
    fut2 = loop.create_future()
    loop.call_at(t0 + 0.25, fut2.set_result, "y")
    fut2.add_done_callback(lambda f: log("fut2 callback"))
    loop.call_later(0.25, log, "call_later(0.25)")
    c = asyncio.create_task(awaiter(fut2, "a3"))
    loop.call_at(t0 + 0.25, log, "call_at(+0.25)")
    await asyncio.sleep(0.25)
    log("main wakes at 250")
    await c
    log("end")

run(main())
