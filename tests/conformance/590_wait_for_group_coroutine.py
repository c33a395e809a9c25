# Rules 11, 12: wait_for over a coroutine running a TaskGroup: the expiry cancels the body, the group waits for its children's cleanups, then TimeoutError.
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


async def grouped():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 0.125))
            tg.create_task(child("b", 1))
        log("group ended")
    except asyncio.CancelledError:
        log("grouped cancelled")
        raise


async def main():
    try:
        await asyncio.wait_for(grouped(), 0.25)
    except TimeoutError:
        log("timed out")

run(main())