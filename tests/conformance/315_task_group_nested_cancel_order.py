# Rule 12: a child's failure cancels a nested TaskGroup's children before its own siblings' turns; the outer group sees one nested group.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise RuntimeError(name)
    log(f"{name} ok")


async def inner():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("i1", 3))
            tg.create_task(child("i2", 4))
    except asyncio.CancelledError:
        log("inner group cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("o1", 5))
            tg.create_task(inner())
            tg.create_task(child("bad", 1, fail=True))
            tg.create_task(child("o2", 5))
    except* RuntimeError as eg:
        log(f"caught {[str(e) for e in eg.exceptions]}")

run(main())
