# Rule 7: cancelling() counts cancel requests; a timeout that expires uncancels its own request, so the count returns to what it was.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(0.5):
            await asyncio.sleep(1)
    except TimeoutError:
        log(f"after timeout: cancelling={me.cancelling()}")
    try:
        await asyncio.wait_for(asyncio.sleep(1), 0.5)
    except TimeoutError:
        log(f"after wait_for: cancelling={me.cancelling()}")

    t = asyncio.create_task(asyncio.sleep(5))
    await asyncio.sleep(0)
    t.cancel()
    t.cancel()
    log(f"requested twice: {t.cancelling()}")
    try:
        async with asyncio.timeout(0.5):
            await t
    except asyncio.CancelledError:
        log(f"the task's own cancellation, not a timeout: cancelling={me.cancelling()}")

run(main())
