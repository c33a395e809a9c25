# Rules 1, 12, eager tasks: under `eager_task_factory`, `tg.create_task(coro, name=...)` runs the child's first step inside `loop.create_task`, before the group names it (3.12): that step reads Task-N, the child's later steps its name, and so does a child that ends in its first step once the spawn returned; a group in a task the same (3.13.0 prints the same; 3.11 has no eager tasks). Found by scripts/differential.py (seed 8600: the scenario language's group children ran unnamed).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def who(tag):
    log(f"{tag}: I am {asyncio.current_task().get_name()}")
    await asyncio.sleep(0)
    log(f"{tag}: still {asyncio.current_task().get_name()}")


async def quick(tag):
    log(f"{tag}: I am {asyncio.current_task().get_name()}")


async def holder():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(who("c"), name="c")
    log(f"holder: I am {asyncio.current_task().get_name()}")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(who("a"), name="a")
        q = tg.create_task(quick("q"), name="q")
        log(f"spawned: {a.get_name()} {q.get_name()}")
        b = tg.create_task(holder(), name="holder")
    log(f"after: {a.get_name()} {q.get_name()} {b.get_name()}")


run(main())
