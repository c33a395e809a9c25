# Rules 4, 7, 11: a timeout and a sleep due at the same instant: the timeout armed first wins; a task whose sleep was armed first is woken first but the expiry still cancels it (its value is lost).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    try:
        async with asyncio.timeout(1):
            await asyncio.sleep(1)
            log("never: the timeout was armed first")
    except TimeoutError:
        log("TimeoutError at the tie")
    t = asyncio.create_task(asyncio.sleep(1, result="task first"))
    await asyncio.sleep(0)
    try:
        async with asyncio.timeout(1) as cm:
            r = await t
        log(f"{r}, expired={cm.expired()}")
    except TimeoutError:
        log(f"TimeoutError; the task woken first lost its value: cancelled={t.cancelled()}")
    try:
        async with asyncio.timeout(1) as cm:
            await asyncio.sleep(0.5)
        log(f"finished early, expired={cm.expired()}")
    except TimeoutError:
        log("never")


run(main())
