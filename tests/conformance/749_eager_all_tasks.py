# Eager tasks (3.12): all_tasks() inside an eager first step lists the stepping task; after create_task a task done at once is not listed, one that suspended is.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def names():
    return sorted(t.get_name() for t in asyncio.all_tasks())


async def quick():
    log(f"quick sees {names()}")
    return 1


async def slow():
    log(f"slow sees {names()}")
    await asyncio.sleep(0.1)
    log(f"slow later sees {names()}")


async def main():
    asyncio.current_task().set_name("main")
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    q = asyncio.create_task(quick(), name="quick")
    log(f"after quick: {names()}")
    s = asyncio.create_task(slow(), name="slow")
    log(f"after slow: {names()}")
    await s
    log(f"end: {names()}, quick done {q.done()}")


run(main())
