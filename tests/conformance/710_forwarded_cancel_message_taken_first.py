# Rule 7: a task awaiting another is cancelled with a message, forwarded to the awaited task, which ends cancelled with it; another awaiter, woken first, retrieves that CancelledError and so takes the message (707), and the cancelled awaiter's wake-up retrieves CancelledError() and ends with it: its own awaiter gets CancelledError(), not the message it was cancelled with. Found by scripts/differential.py (seed 3001, program 1019).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def victim():
    await asyncio.sleep(10)


async def first(t):
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"first: {e!r}")


async def awaiter(t):
    await asyncio.sleep(0)
    await t


async def main():
    t = asyncio.create_task(victim())
    f = asyncio.create_task(first(t))
    a = asyncio.create_task(awaiter(t))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    a.cancel("via the awaiter")
    try:
        await a
    except asyncio.CancelledError as e:
        log(f"await of the awaiter: {e!r}")
    log(f"first done: {f.done()}")


run(main())
