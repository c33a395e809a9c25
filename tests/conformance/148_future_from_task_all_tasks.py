# Rules 1, 5, 7: a future set by another task (the lectures' example); all_tasks() counts the unfinished tasks; unnamed tasks are Task-N.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def set_future_result(fut, delay):
    log(f"{asyncio.current_task().get_name()} will set the future")
    await asyncio.sleep(delay)
    fut.set_result("ready!")
    log("result set")


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    setter = asyncio.create_task(set_future_result(fut, 2))
    other = asyncio.create_task(asyncio.sleep(1))
    log(f"tasks alive: {len(asyncio.all_tasks())}")
    result = await fut
    log(f"main got {result}, setter done={setter.done()}")
    log(f"tasks alive: {len(asyncio.all_tasks())}")
    await asyncio.sleep(0)
    log(f"tasks alive: {len(asyncio.all_tasks())}, other was {other.get_name()}")


run(main())
