# Rules 6, 12: a TaskGroup child awaits a gather of its own tasks; a sibling fails: the child is cancelled and the gather cancels its children in argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, delay):
    try:
        await asyncio.sleep(delay)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def gatherer():
    try:
        await asyncio.gather(leaf("g1", 0.5), leaf("g2", 2), leaf("g3", 3))
    except asyncio.CancelledError:
        log("gatherer cancelled")
        raise


async def bad():
    await asyncio.sleep(1)
    log("bad fails")
    raise IndexError("bad")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(gatherer())
            tg.create_task(bad())
            tg.create_task(leaf("sib", 2))
    except* IndexError:
        log("caught IndexError")

run(main())
