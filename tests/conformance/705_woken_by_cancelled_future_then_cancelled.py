# Rule 7: a task woken by the cancellation of the future (or task) it awaits, then cancelled itself before it runs: Task.__step throws the awaited future's CancelledError in (its message, or none), not one with the task's message; a later cancel() does not change it. A future set with a result leaves the task's own message. Found by scripts/differential.py (seed 100, program 828; seed 500, program 977).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(name, aw):
    try:
        await aw
        log(f"{name}: woken")
    except asyncio.CancelledError:
        log(f"{name}: cancelled")
        raise


async def show(name, t):
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"{name} awaited: {e!r}")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    t = asyncio.create_task(waiter("future's message", f))
    await asyncio.sleep(0)
    f.cancel("future")
    t.cancel("task")
    await show("future's message", t)

    f = loop.create_future()
    t = asyncio.create_task(waiter("future without a message", f))
    await asyncio.sleep(0)
    f.cancel()
    t.cancel("task")
    await show("future without a message", t)

    f = loop.create_future()
    t = asyncio.create_task(waiter("cancelled twice", f))
    await asyncio.sleep(0)
    f.cancel("future")
    t.cancel("task 1")
    t.cancel("task 2")
    await show("cancelled twice", t)

    inner = asyncio.create_task(asyncio.sleep(1))
    t = asyncio.create_task(waiter("awaited task", inner))
    await asyncio.sleep(0)
    inner.cancel("inner")
    await asyncio.sleep(0)
    t.cancel("task")
    await show("awaited task", t)

    f = loop.create_future()
    t = asyncio.create_task(waiter("future set", f))
    await asyncio.sleep(0)
    f.set_result(1)
    t.cancel("task")
    await show("future set", t)


run(main())
