# Rule 12: ExceptionGroup shapes: two children fail in one pass (ValueError, KeyError) while a nested TaskGroup's child fails (TypeError) at the same instant; except* splits the outer group by type, the nested group stays a nested ExceptionGroup; a sibling sleeping on is cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fail(exc, d):
    await asyncio.sleep(d)
    log(f"raise {exc!r}")
    raise exc


async def sleeper(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def nested():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fail(TypeError("t"), 0.25))
        tg.create_task(sleeper("nested-s"))


def shape(e):
    if isinstance(e, BaseExceptionGroup):
        return [shape(x) for x in e.exceptions]
    return f"{type(e).__name__}({e.args[0]!r})"


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail(ValueError("v"), 0.25))
            tg.create_task(nested())
            tg.create_task(fail(KeyError("k"), 0.25))
            tg.create_task(sleeper("outer-s"))
    except* ValueError as eg:
        log(f"ValueError part {shape(eg)}")
    except* KeyError as eg:
        log(f"KeyError part {shape(eg)}")
    except* TypeError as eg:
        log(f"TypeError part {shape(eg)}")
    log("main goes on")

run(main())
