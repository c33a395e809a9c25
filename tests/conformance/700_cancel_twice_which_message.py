# Rule 7: cancel() twice before the cancellation is delivered: a task not started, queued or running takes the message of the last call (None included); a sleeping task keeps the first, with which its sleep was cancelled. Found by scripts/differential.py (seed 2, program 49).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper():
    await asyncio.sleep(1)


async def yielder():
    await asyncio.sleep(0)
    await asyncio.sleep(1)


async def self_cancel():
    me = asyncio.current_task()
    me.cancel("first")
    me.cancel("second")
    await asyncio.sleep(1)


async def show(what, t):
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")


async def main():
    t = asyncio.create_task(sleeper())
    t.cancel("first")
    t.cancel("second")
    await show("not started", t)
    t = asyncio.create_task(sleeper())
    t.cancel("first")
    t.cancel()
    await show("not started, then no message", t)
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    t.cancel("first")
    t.cancel("second")
    await show("sleeping", t)
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    t.cancel()
    t.cancel("second")
    await show("sleeping, first without a message", t)
    t = asyncio.create_task(yielder())
    await asyncio.sleep(0)
    t.cancel("first")
    t.cancel("second")
    await show("queued after sleep(0)", t)
    t = asyncio.create_task(self_cancel())
    await show("cancelling itself", t)


run(main())
