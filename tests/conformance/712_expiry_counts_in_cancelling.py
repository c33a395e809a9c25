# Rule 7, 11: a timeout's expiry is asyncio's Task.cancel() on the task that runs the timeout, so cancelling() counts it from the moment the timeout callback runs until the timeout's exit uncancels it: a task reading t.cancelling() between the expiry and t's next step reads 1 (over a Barrier wait, a sleep, an Event wait), 2 when two nested timeouts expired in one pass, and 0 once t ended. Found by scripts/differential.py (seed 2200, program 2395; seed 3001, program 717).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bounded_barrier(b):
    async with asyncio.timeout(1):
        await b.wait()


async def bounded_sleep():
    async with asyncio.timeout(1):
        await asyncio.sleep(2)


async def bounded_wait(e):
    async with asyncio.timeout(1):
        await e.wait()


async def nested():
    async with asyncio.timeout(1):
        async with asyncio.timeout(1):
            await asyncio.sleep(2)


async def show(what, t):
    try:
        await t
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")
    except TimeoutError:
        log(f"{what}: TimeoutError")


async def main():
    t = asyncio.create_task(bounded_barrier(asyncio.Barrier(2)))
    await asyncio.sleep(1)
    log(f"barrier wait expired: cancelling={t.cancelling()}")
    await show("barrier wait", t)
    log(f"barrier wait ended: cancelling={t.cancelling()}")

    t = asyncio.create_task(bounded_sleep())
    await asyncio.sleep(1)
    log(f"sleep expired: cancelling={t.cancelling()}")
    await show("sleep", t)
    log(f"sleep ended: cancelling={t.cancelling()}")

    t = asyncio.create_task(bounded_wait(asyncio.Event()))
    await asyncio.sleep(1)
    log(f"event wait expired: cancelling={t.cancelling()}")
    await show("event wait", t)
    log(f"event wait ended: cancelling={t.cancelling()}")

    t = asyncio.create_task(nested())
    await asyncio.sleep(1)
    log(f"nested expired: cancelling={t.cancelling()}")
    await show("nested", t)
    log(f"nested ended: cancelling={t.cancelling()}")


run(main())
