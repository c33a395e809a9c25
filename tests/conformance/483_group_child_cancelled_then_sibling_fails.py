# Rules 7, 12: a TaskGroup child cancelled from outside does not abort the group; a later failure of a sibling does.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d, fail=False):
    try:
        await asyncio.sleep(d)
        if fail:
            log(f"{name} raises")
            raise ValueError(name)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            a = tg.create_task(child("a", 1))
            tg.create_task(child("b", 0.5, fail=True))
            tg.create_task(child("c", 1))
            await asyncio.sleep(0.25)
            a.cancel()
            log("a cancel requested")
            await asyncio.sleep(0.125)
            log("body continues")
    except* ValueError as eg:
        log(f"caught {[str(e) for e in eg.exceptions]}")

run(main())
