# Rules 7, 11: wait_for on a task that ignores nothing: the task is cancelled at the deadline, its awaiter sees TimeoutError, the task cancelled() is True.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def slow():
    try:
        await asyncio.sleep(3)
    except asyncio.CancelledError:
        log("slow cancelled")
        raise


async def main():
    t = asyncio.create_task(slow())
    try:
        await asyncio.wait_for(t, 1)
    except TimeoutError:
        log(f"timeout: done={t.done()} cancelled={t.cancelled()}")
    u = asyncio.create_task(slow())
    try:
        async with asyncio.timeout(1):
            await u
    except TimeoutError:
        log(f"timeout(): done={u.done()} cancelled={u.cancelled()}")

run(main())
