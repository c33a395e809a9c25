# Rule 12: a TaskGroup child spawns a sibling through the group; the group waits for both; an outside cancel of the task holding the group cancels every child.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(tg, name, delay, spawn=None):
    try:
        await asyncio.sleep(delay)
        if spawn:
            log(f"{name} spawns {spawn}")
            tg.create_task(child(tg, spawn, delay))
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def holder():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(tg, "c1", 1))
            tg.create_task(child(tg, "c2", 3))
        log("never")
    except asyncio.CancelledError:
        log("holder cancelled")
        raise


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child(tg, "a", 1, spawn="a2"))
        tg.create_task(child(tg, "b", 0.5))
    log("first group done")
    h = asyncio.create_task(holder())
    await asyncio.sleep(2)
    h.cancel()
    try:
        await h
    except asyncio.CancelledError:
        log(f"holder ended cancelled={h.cancelled()}")


run(main())
