# Rules 11, 12: a timeout around a TaskGroup: the expiry cancels the body, the group cancels its children, and the timeout raises TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")


async def main():
    try:
        async with asyncio.timeout(1.5):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child("c1", 1))
                tg.create_task(child("c2", 2))
                tg.create_task(child("c3", 3))
            log("never")
    except TimeoutError:
        log("TimeoutError")
    log("end")


run(main())
