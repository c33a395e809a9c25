# Rule 7, 11: a timeout's expiry cancels what its task awaits (a sleep, an Event wait) and so wakes the task; before the task runs, another task calls t.cancel("m"): Task.cancel() finds _fut_waiter done and sets _must_cancel with the message, but Task.__step keeps the CancelledError() the wake-up carries (705's rule), and the timeout lets it through (a request beyond its own), so an awaiter of t gets CancelledError(). A task queued before the expiry (its Event set in the same pass) has no cancelled wake-up: it ends with the message. Found by scripts/differential.py (seed 3001, program 401).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bounded_sleep():
    async with asyncio.timeout(1):
        await asyncio.sleep(1)


async def bounded_wait(e):
    async with asyncio.timeout(1):
        await e.wait()


async def setter(e):
    asyncio.get_running_loop().call_later(1, e.set)


async def show(what, t):
    try:
        await t
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")
    except TimeoutError:
        log(f"{what}: TimeoutError")


async def main():
    t = asyncio.create_task(bounded_sleep())
    await asyncio.sleep(1)
    t.cancel("outside")
    await show("sleep woken by its expiry", t)

    e = asyncio.Event()
    t = asyncio.create_task(bounded_wait(e))
    await asyncio.sleep(1)
    t.cancel("outside")
    await show("event wait woken by its expiry", t)

    e = asyncio.Event()
    s = asyncio.create_task(setter(e))
    t = asyncio.create_task(bounded_wait(e))
    await asyncio.sleep(1)
    t.cancel("outside")
    await show("event set before its expiry", t)
    await s


run(main())
