# Rules 7, 12: TaskGroup children awaited after the group has ended: a child that failed raises its own exception to its awaiter (the group raised it in an ExceptionGroup too), one the group cancelled raises CancelledError, one that finished gives its result; awaited twice, the same. Found by scripts/differential.py (seed 2, program 3).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail):
    await asyncio.sleep(d)
    if fail:
        raise ValueError(f"{name} failed")
    return f"{name} done"


async def show(what, t):
    try:
        log(f"{what}: {await t}")
    except asyncio.CancelledError:
        log(f"{what}: CancelledError")
    except ValueError as e:
        log(f"{what}: {e!r}")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            ok = tg.create_task(job("ok", 0.125, False))
            bad = tg.create_task(job("bad", 0.25, True))
            slow = tg.create_task(job("slow", 1, False))
    except ExceptionGroup as eg:
        log(f"group: {eg}")
    await show("ok", ok)
    await show("bad", bad)
    await show("bad again", bad)
    await show("slow", slow)


run(main())
