# Rules 7, 11, 12: a task awaits `gather(a, b)`; its cancellation (a timeout's expiry, or `cancel()`) is forwarded to both children; `a` catches it, uncancels and sleeps on, `b` ends cancelled and fails the gather, which raises `CancelledError` into the awaiting task (a `TimeoutError` out of the timeout). The gather is done, so nothing cancels `a` again: it logs after its sleep. simloop's gather, dropped resolved but not yet read (the timeout's expiry, the cancellation's delivery), cancelled the children still running, so `a` caught a second cancellation at once. Found by scripts/differential.py (seed 8400, program 301).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def catches(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}")
        asyncio.current_task().uncancel()
    try:
        await asyncio.sleep(0.125)
        log(f"{name} slept on")
    except asyncio.CancelledError as e:
        log(f"{name} caught again {e!r}")
    return name


async def waits():
    await asyncio.sleep(1)


async def timed():
    a = asyncio.create_task(catches("a"))
    b = asyncio.create_task(waits())
    try:
        async with asyncio.timeout(0.25):
            await asyncio.gather(a, b)
    except TimeoutError:
        log("timed: TimeoutError")
    return a


async def cancelled():
    a = asyncio.create_task(catches("c"))
    b = asyncio.create_task(waits())
    await asyncio.gather(a, b)


async def main():
    a = await timed()
    log(f"a: {await a!r}")
    t = asyncio.create_task(cancelled())
    await asyncio.sleep(0.5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"cancelled: {e!r}")
    await asyncio.sleep(0.25)
    log("end")


run(main())
