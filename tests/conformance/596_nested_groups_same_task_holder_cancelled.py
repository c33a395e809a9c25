# Rules 7, 12: a task holding two nested TaskGroups cancelled in the inner body: the inner group's children end first, then the outer group cancels its own and waits; the holder's except block runs last.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def ticker():
    for i in range(4):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def holder():
    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(child("outer-a"))
            try:
                async with asyncio.TaskGroup() as inner:
                    inner.create_task(child("inner-a"))
                    inner.create_task(child("inner-b"))
                    await asyncio.sleep(1)
            except asyncio.CancelledError:
                log("inner group exited")
                raise
    except asyncio.CancelledError:
        log("holder cancelled")
        raise


async def main():
    h = asyncio.create_task(holder())
    await asyncio.sleep(0.125)
    h.cancel()
    k = asyncio.create_task(ticker())
    try:
        await h
    except asyncio.CancelledError:
        log("main sees holder cancelled")
    await k

run(main())