# Rules 11, 12: a timeout around a TaskGroup whose body sleeps: the expiry cancels the body, the group cancels its children and waits for them; TimeoutError comes after their cleanups.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    try:
        async with asyncio.timeout(0.25):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child("a", 1))
                tg.create_task(child("b", 0.125))
                tg.create_task(child("c", 1))
                await asyncio.sleep(1)
    except TimeoutError:
        log("timed out")

run(main())