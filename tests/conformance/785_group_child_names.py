# Rules 1, 12: a TaskGroup child's name: `tg.create_task(coro, name=...)` makes the task, then names it (3.12), so the child's own `current_task().get_name()` reads the name, in main's group and in a group held by a task; the numbered names count the named children (a gather's wrapper after them is Task-5; 3.13 names the task as it makes it and numbers only unnamed ones: Task-2). Found by scripts/differential.py (seed 8600, programs 5, 34, 41: the scenario language's group children ran unnamed and read Task-N).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def who(tag):
    log(f"{tag}: I am {asyncio.current_task().get_name()}")
    await asyncio.sleep(0)
    log(f"{tag}: still {asyncio.current_task().get_name()}")


async def holder():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(who("c"), name="c")
    log(f"holder: I am {asyncio.current_task().get_name()}")


async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(who("a"), name="a")
        b = tg.create_task(holder(), name="holder")
    log(f"after: {a.get_name()} {b.get_name()}")
    await asyncio.gather(who("gathered"))


run(main())
