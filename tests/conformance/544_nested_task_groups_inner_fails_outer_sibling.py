# Rule 12: an inner TaskGroup fails; the outer group's other child is cancelled; the outer raises an ExceptionGroup nesting the inner one.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def fail_after(d, msg):
    await asyncio.sleep(d)
    raise ValueError(msg)


async def long(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def inner_group():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fail_after(0.125, "inner"))
        tg.create_task(long("inner-long"))


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(inner_group())
            tg.create_task(long("outer-long"))
    except* ValueError as eg:
        log(f"outer caught {eg.exceptions!r}")

run(main())
