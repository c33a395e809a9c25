# Rule 12: async with TaskGroup(): a child's failure cancels the siblings, then the body; a body that raises aborts the group; a body that ends waits for the children.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay, fail):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise ValueError(f"{name} failed")
    log(f"{name} done")
    return name


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 1, True))
            tg.create_task(child("b", 5, False))
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                log("body cancelled")
                raise
            log("body done")
    except* ValueError as eg:
        log(f"group: {len(eg.exceptions)} failure(s)")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("c", 1, False))
            await asyncio.sleep(0.5)
            log("body raises")
            raise ValueError("body")
    except* ValueError as eg:
        log(f"group: {len(eg.exceptions)} failure(s)")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("e", 1, False))
        log("body ends")
    log("scope done")


run(main())
