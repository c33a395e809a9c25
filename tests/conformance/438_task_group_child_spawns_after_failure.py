# Rule 12: once a TaskGroup child failed, create_task refuses new children (RuntimeError) and the group raises the failure after cancelling the rest.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d, fail=False):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")


async def late(tg):
    try:
        await asyncio.sleep(2)
    except asyncio.CancelledError:
        coro = child("x", 1)
        try:
            tg.create_task(coro)
        except RuntimeError:
            coro.close()
            log("late: create_task refused while aborting")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 1, True))
            tg.create_task(late(tg))
    except* ValueError as eg:
        log(f"caught {[str(e) for e in eg.exceptions]}")

run(main())
