# Eager tasks (3.12): gather of tasks made eagerly, one done at once, one failed at once, one suspended: return_exceptions gathers them in argument order; without it the first failure (already there) wins.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ok(n):
    log(f"ok {n}")
    return n


async def bad():
    log("bad")
    raise ValueError("bad")


async def slow():
    log("slow first step")
    await asyncio.sleep(0.1)
    log("slow done")
    return "slow"


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    a = asyncio.create_task(ok(1))
    b = asyncio.create_task(bad())
    c = asyncio.create_task(slow())
    log("tasks created")
    r = await asyncio.gather(a, b, c, return_exceptions=True)
    log(f"gather: {r!r}")
    c2 = asyncio.create_task(slow())
    try:
        await asyncio.gather(c2, b)
    except ValueError as e:
        log(f"gather raised {e!r}, c2 done {c2.done()}")
    await c2
    log("c2 awaited")


run(main())
