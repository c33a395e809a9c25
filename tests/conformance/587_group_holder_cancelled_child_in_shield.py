# Rules 7, 12: a TaskGroup holder cancelled while a child awaits a shielded task: the child is cancelled, the shielded work runs on, and the holder's except block runs after the child's.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save():
    await asyncio.sleep(0.5)
    log("save done")


async def child(s):
    try:
        await asyncio.shield(s)
    except asyncio.CancelledError:
        log("child cancelled")
        raise


async def holder(s):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(s))
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"holder cancelled save done={s.done()}")
        raise


async def main():
    s = asyncio.create_task(save())
    h = asyncio.create_task(holder(s))
    await asyncio.sleep(0.125)
    h.cancel()
    try:
        await h
    except asyncio.CancelledError:
        log("main sees holder cancelled")
    await s
    log("end")

run(main())