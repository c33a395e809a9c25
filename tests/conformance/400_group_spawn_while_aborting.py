# Rule 12: after a child fails, create_task on the aborting TaskGroup is refused (RuntimeError); a child still running when the failure came is cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bad():
    await asyncio.sleep(0.5)
    log("bad fails")
    raise ValueError("bad")


async def spawner(tg):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("spawner cancelled")
        coro = asyncio.sleep(1)
        try:
            tg.create_task(coro)
        except RuntimeError as e:
            coro.close()
            log(f"create_task refused: shutting down={'is shutting down' in str(e)}")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(bad())
            tg.create_task(spawner(tg))
    except* ValueError:
        log("group failed")
    coro = asyncio.sleep(1)
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        coro.close()
        log(f"after exit: finished={'is finished' in str(e)}")

run(main())
