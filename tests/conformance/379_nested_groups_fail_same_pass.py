# Rule 12: a nested TaskGroup's child and an outer child fail in the same pass: the outer group collects the nested group's ExceptionGroup and the outer failure, in the order they ended.
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
        raise ValueError(name)
    log(f"{name} done")


async def nested():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf("n1", 1, True))
        tg.create_task(leaf("n2", 2))


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(leaf("o1", 1, True))
            tg.create_task(nested())
            tg.create_task(leaf("o2", 2))
    except* ValueError as eg:
        def shape(e):
            if isinstance(e, BaseExceptionGroup):
                return [shape(x) for x in e.exceptions]
            return str(e)
        log(f"caught {shape(eg)}")

run(main())
