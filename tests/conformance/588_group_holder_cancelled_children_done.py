# Rules 7, 12: a TaskGroup holder cancelled in its body after its children ended: nothing to wait for, the holder's except block runs at its turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick(name):
    log(f"{name} runs")


async def holder():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(quick("a"))
            tg.create_task(quick("b"))
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("holder cancelled")
        raise


async def main():
    h = asyncio.create_task(holder())
    await asyncio.sleep(0.125)
    h.cancel()
    log("cancel sent")
    try:
        await h
    except asyncio.CancelledError:
        log("main sees holder cancelled")

run(main())