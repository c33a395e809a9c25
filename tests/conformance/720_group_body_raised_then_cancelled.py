# Rules 7, 9, 12: a task cancelled while its TaskGroup waits for a child after the body raised: `__aexit__` is aborting, so it swallows the CancelledError and raises the ExceptionGroup once the child ended; the task goes on and returns its value. Cancelled while the group waits after a body that ended normally, the task ends cancelled once the child did. The children are Condition waiters whose cancellation waits for the lock main holds. Found by scripts/differential.py (seed 2000, program 45).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

C = asyncio.Condition()


async def child(name):
    try:
        async with C:
            await C.wait()
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def worker(name, body_raises):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(name + ".child"))
            await asyncio.sleep(0.25)
            if body_raises:
                raise ValueError(name)
            log(f"{name} body ends")
    except Exception as e:
        log(f"{name} caught {e!r}")
    log(f"{name} goes on")
    await asyncio.sleep(0.5)
    log(f"{name} returns")
    return name


async def main():
    a = asyncio.create_task(worker("a", True), name="a")
    b = asyncio.create_task(worker("b", False), name="b")
    await asyncio.sleep(0.125)
    async with C:
        await asyncio.sleep(0.25)
        log("main cancels a and b")
        a.cancel()
        b.cancel()
        await asyncio.sleep(0.125)
        log("main releases the lock")
    for t in (a, b):
        try:
            log(f"{t.get_name()} returned {await t!r}")
        except asyncio.CancelledError:
            log(f"{t.get_name()} ended cancelled")


run(main())
