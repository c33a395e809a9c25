# Rules 7, 11: a timeout's expiry forwarded to the one task its body awaits (`wait_for` of a coroutine awaiting it, `wait_for(task)`, `timeout()` around `await t`): the task catches the CancelledError and returns, so the body gets its value, nothing is raised, and the timeout exits without TimeoutError, `expired()` true. simloop raised TimeoutError. Found by scripts/differential.py (seed 4000, programs 19 and 150).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def swallows(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}")
        return f"{name} value"
    return f"{name} finished"


async def awaits(t):
    return await t


async def main():
    t = asyncio.create_task(swallows("a"))
    r = await asyncio.wait_for(awaits(t), 0.25)
    log(f"wait_for(coroutine) returned {r!r}")
    t = asyncio.create_task(swallows("b"))
    r = await asyncio.wait_for(t, 0.25)
    log(f"wait_for(task) returned {r!r}")
    t = asyncio.create_task(swallows("c"))
    async with asyncio.timeout(0.25) as cm:
        r = await t
        log(f"timeout body got {r!r}, expired {cm.expired()}")
    log(f"timeout exited, expired {cm.expired()}, cancelling {asyncio.current_task().cancelling()}")


run(main())
