# Eager tasks (3.12): a task whose coroutine returns without suspending is done when create_task returns; its first step runs inside create_task as the current task; done()/result() read right after; main stays the current task after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(n):
    log(f"child {n} runs, current {asyncio.current_task().get_name()}")
    return n * 10


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    log("main creates c1")
    t = asyncio.create_task(child(1), name="c1")
    log(f"created c1: done {t.done()}, result {t.result()}, current {asyncio.current_task().get_name()}")
    u = asyncio.create_task(child(2), name="c2")
    log(f"created c2: done {u.done()}")
    log(f"await c1: {await t}, await c2: {await u}")
    await asyncio.sleep(0)
    log("main after sleep(0)")


run(main())
