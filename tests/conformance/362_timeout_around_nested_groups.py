# Rules 11, 12: asyncio.timeout around a TaskGroup holding a nested TaskGroup: the expiry cancels outer children and the inner group's children, the body ends with TimeoutError, expired() is True.
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


async def inner():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf("i1", 0.5))
        tg.create_task(leaf("i2", 3))
    log("inner never ends")


async def main():
    try:
        async with asyncio.timeout(1) as cm:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(leaf("o1", 0.25))
                tg.create_task(inner())
                tg.create_task(leaf("o2", 2))
    except TimeoutError:
        log(f"timed out, expired={cm.expired()}")

run(main())
