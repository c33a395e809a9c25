# Rules 7, 12: a task cancelled inside its TaskGroup body ends only after the group's children finished cancelling; its awaiter resumes after their cleanups.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def child(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def holder():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a"))
            tg.create_task(child("b"))
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("holder cancelled, group exited")
        raise


async def main():
    h = asyncio.create_task(holder())
    await asyncio.sleep(0.125)
    h.cancel()
    try:
        await h
    except asyncio.CancelledError:
        log("main sees holder cancelled")

run(main())
