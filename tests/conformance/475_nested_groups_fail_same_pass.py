# Rule 12: an inner and an outer TaskGroup child fail in the same pass: the outer group collects both, the inner as an ExceptionGroup.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fail(name, d):
    await asyncio.sleep(d)
    log(f"{name} raises")
    raise ValueError(name)


async def sleeper(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def inner():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fail("inner-fail", 0.25))
        tg.create_task(sleeper("inner-sleeper"))


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(inner())
            tg.create_task(fail("outer-fail", 0.25))
            tg.create_task(sleeper("outer-sleeper"))
    except ExceptionGroup as eg:
        def show(e):
            if isinstance(e, ExceptionGroup):
                return "[" + ", ".join(show(x) for x in e.exceptions) + "]"
            return str(e)
        log(f"caught {show(eg)}")

run(main())
