# Rule 12: nested TaskGroups: an inner child fails, the inner group cancels its siblings, the outer group cancels its own and reports a nested group.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")


async def inner_group():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(worker("i1", 1))
        tg.create_task(worker("i2", 1.5, fail=True))
        tg.create_task(worker("i3", 3))
    log("never: inner group ended")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("o1", 0.5))
            tg.create_task(inner_group())
            tg.create_task(worker("o2", 4))
        log("never: outer ended")
    except* ValueError as eg:
        log(f"outer: {len(eg.exceptions)} group(s), inner: {[len(e.exceptions) for e in eg.exceptions]}")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("a", 1, fail=True))
            tg.create_task(worker("b", 1, fail=True))
            tg.create_task(worker("c", 2))
    except* ValueError as eg:
        log(f"same pass: {sorted(str(e) for e in eg.exceptions)}")


run(main())
