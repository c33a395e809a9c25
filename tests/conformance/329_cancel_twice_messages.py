# Rule 7: a task cancelled twice with two messages: the first cancel wins the sleep, the coroutine sees the first message.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper():
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError as e:
        log(f"sleeper sees {e.args}")
        raise


async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(1)
    t.cancel("first")
    t.cancel("second")
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"awaiter sees {e.args}, cancelling={t.cancelling()}")
    u = asyncio.create_task(sleeper())
    u.cancel("before start")
    try:
        await u
    except asyncio.CancelledError as e:
        log(f"never started, awaiter sees {e.args}")

run(main())
