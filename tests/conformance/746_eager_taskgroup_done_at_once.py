# Eager tasks (3.12): TaskGroup.create_task of a child that is done at once (not added to the group's tasks) beside one that suspends; the group waits for the suspended one only.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick(n):
    log(f"quick {n}")
    return n


async def slow(n):
    log(f"slow {n} first step")
    await asyncio.sleep(0.1)
    log(f"slow {n} done")
    return n


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(quick(1))
        log(f"a created, done {a.done()}")
        b = tg.create_task(slow(2))
        log(f"b created, done {b.done()}")
        c = tg.create_task(quick(3))
        log("body ends")
    log(f"group exited: {a.result()} {b.result()} {c.result()}")


run(main())
