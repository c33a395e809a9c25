# Rule 7, 11: a task queued with a cancel(msg) pending when its timeout expires: the expiry is another Task.cancel() (no message), which replaces a pending _must_cancel's message, so the task ends with CancelledError() (the timeout lets it through: the outside request is beyond its own). A task cancelled while it awaits a sleep keeps the first message. Found by scripts/differential.py (seed 1000, program 1237).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bounded_yield():
    async with asyncio.timeout(0):
        await asyncio.sleep(0)


async def bounded_sleep():
    async with asyncio.timeout(0.5):
        await asyncio.sleep(1)


async def show(what, t):
    try:
        await t
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")
    except TimeoutError:
        log(f"{what}: TimeoutError")


async def main():
    t = asyncio.create_task(bounded_yield())
    await asyncio.sleep(0)
    t.cancel("outside")
    await show("queued, then its timeout expires", t)

    t = asyncio.create_task(bounded_sleep())
    await asyncio.sleep(0.25)
    t.cancel("outside")
    await show("sleeping, cancelled before its timeout", t)


run(main())
