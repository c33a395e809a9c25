# Eager tasks (3.12): an eager task spawning an eager task in its first step: the grandchild's first step runs inside it, the current task is each time the one stepping and is restored after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def cur():
    return asyncio.current_task().get_name()


async def leaf(name):
    log(f"{name} first step, current {cur()}")
    await asyncio.sleep(0)
    log(f"{name} resumes, current {cur()}")
    return name


async def quick(name):
    log(f"{name} runs, current {cur()}")
    return name


async def middle():
    log(f"middle starts, current {cur()}")
    q = asyncio.create_task(quick("quick"), name="quick")
    log(f"middle after quick, done {q.done()}, current {cur()}")
    t = asyncio.create_task(leaf("leaf"), name="leaf")
    log(f"middle after leaf, done {t.done()}, current {cur()}")
    r = await t
    log(f"middle got {r}, current {cur()}")
    return "middle"


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    m = asyncio.create_task(middle(), name="middle")
    log(f"main after middle, done {m.done()}, current {cur()}")
    log(f"main got {await m}")


run(main())
