# Rule 7: a task awaiting another is cancelled; the cancellation is forwarded to the awaited task, which ends cancelled with the message; the awaiter's wake-up retrieves that CancelledError (Task.__wakeup calls result()) and re-raises it, so a later await of the awaited task gets CancelledError(), and the awaiter's own awaiter the message. Found by scripts/differential.py (seed 1000, program 689).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def victim():
    await asyncio.sleep(10)


async def awaiter(t):
    try:
        await t
    except asyncio.CancelledError:
        log("awaiter: cancelled")
        raise


async def main():
    t = asyncio.create_task(victim())
    a = asyncio.create_task(awaiter(t))
    await asyncio.sleep(0)
    a.cancel("via the awaiter")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"later await of the task: {e!r}")
    try:
        await a
    except asyncio.CancelledError as e:
        log(f"await of the awaiter: {e!r}")


run(main())
