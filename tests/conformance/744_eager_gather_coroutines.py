# Eager tasks (3.12): gather of coroutines under the eager factory starts each child eagerly, in argument order, inside the gather call; children done at once are not stepped again.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(n, pause):
    log(f"child {n} first step")
    if pause:
        await asyncio.sleep(0)
        log(f"child {n} second step")
    return n


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    log("before gather")
    fut = asyncio.gather(child(1, True), child(2, False), child(3, True))
    log(f"gather built, done {fut.done()}")
    log(f"gather: {await fut}")
    log("before all-at-once gather")
    fut = asyncio.gather(child(4, False), child(5, False))
    log(f"second gather built, done {fut.done()}")
    log(f"gather: {await fut}")


run(main())
