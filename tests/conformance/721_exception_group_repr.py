# Rules 6, 12: a TaskGroup's ExceptionGroup as `repr` shows it: its message and the list of sub-exceptions in the order they were collected (two children failing in one pass; an inner group's ExceptionGroup inside the outer one's), in `gather(return_exceptions=True)`'s list and with `!r`; `str` counts them. The scenario language printed `ExceptionGroup('unhandled errors in a TaskGroup (1 sub-exception)')`. Found by scripts/differential.py (seed 2000, program 111).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fail(msg, d):
    await asyncio.sleep(d)
    raise ValueError(msg)


async def two():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fail("x", 0.125))
        tg.create_task(fail("y", 0.125))


async def nested():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fail("never", 1))
        async with asyncio.TaskGroup() as inner:
            inner.create_task(fail("z", 0.25))


async def main():
    a = asyncio.create_task(two())
    b = asyncio.create_task(nested())
    r = await asyncio.gather(a, b, return_exceptions=True)
    log(f"gather {r}")
    try:
        await nested()
    except Exception as e:
        log(f"caught {e!r}")
        log(f"str {e}")


run(main())
