# Rules 1, 7: task names: Task-N counts every task, gather's wrappers and shield's included; a wait_for runs its coroutine in the caller's task (3.12).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def who():
    log(f"I am {asyncio.current_task().get_name()}")


async def main():
    log(f"main is {asyncio.current_task().get_name()}")
    await asyncio.gather(who(), who())
    t = asyncio.create_task(who())
    await t
    await asyncio.shield(who())
    await asyncio.wait_for(who(), 1)
    u = asyncio.create_task(who(), name="custom")
    await u
    w = asyncio.create_task(who())
    await w

run(main())
