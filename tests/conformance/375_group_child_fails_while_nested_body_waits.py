# Rule 12: an outer TaskGroup child fails while a nested group waits: the outer siblings are cancelled, then the nested group's children at its turn; only the failure is raised.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise LookupError(name)
    log(f"{name} done")


async def nested():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf("n1", 2))
        tg.create_task(leaf("n2", 0.5))
    log("nested never")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(nested())
            tg.create_task(leaf("s1", 2))
            tg.create_task(leaf("bad", 1, True))
            tg.create_task(leaf("s2", 2))
        log("not reached")
    except* LookupError as eg:
        log(f"caught {[str(e) for e in eg.exceptions]}")

run(main())
