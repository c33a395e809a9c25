# Rule 12: a TaskGroup nested in a TaskGroup child, errors in both groups in one pass: the inner group's ExceptionGroup and the outer child's error are both collected by the outer group.
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


async def inner_group():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail("inner-x", 0.25))
            tg.create_task(sleeper("inner-s"))
    except* ValueError as eg:
        log(f"inner group raised {[str(e) for e in eg.exceptions]}")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(inner_group())
            tg.create_task(fail("outer-y", 0.25))
            tg.create_task(sleeper("outer-s"))
    except* ValueError as eg:
        def flat(e):
            if isinstance(e, BaseExceptionGroup):
                return [flat(x) for x in e.exceptions]
            return str(e)
        log(f"outer group raised {flat(eg)}")

run(main())