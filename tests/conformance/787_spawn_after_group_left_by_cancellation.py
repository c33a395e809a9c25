# Rules 7, 11, 12: a TaskGroup left by a cancellation, then a task spawned after it: a `timeout()` expiring around the group (its child cancelled, `TimeoutError` caught), `wait_for` of a coroutine holding one in a task, and a task cancelled inside its group that catches the `CancelledError` and goes on; each spawns a plain task afterwards, which runs as any other (asyncio's `create_task` has nothing to do with the group left). Found by scripts/differential.py (seed 8602, programs 7, 192 and 252: the scenario language kept the finished group as the one its spawns went into, `RuntimeError('the task group has finished')`).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def worker():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("w1", 5), name="w1")
            await asyncio.sleep(5)
    except asyncio.CancelledError:
        log("worker caught its cancellation")

    async def grouped():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("w2", 5), name="w2")
            await asyncio.sleep(5)
    try:
        await asyncio.wait_for(grouped(), 0.25)
    except TimeoutError:
        log("worker's wait_for expired")
    t = asyncio.create_task(child("w3", 0.25), name="w3")
    log(f"worker got {await t}")


async def main():
    try:
        async with asyncio.timeout(0.5):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child("a", 1), name="a")
                await asyncio.sleep(1)
    except TimeoutError:
        log("the timeout around the group expired")
    t = asyncio.create_task(child("b", 0.25), name="b")
    log(f"main got {await t}")
    w = asyncio.create_task(worker(), name="worker")
    await asyncio.sleep(0.25)
    w.cancel()
    await w
    log("end")


run(main())
