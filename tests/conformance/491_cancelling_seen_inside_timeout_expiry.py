# Rules 7, 11: the work a timeout's expiry cancels sees cancelling() == 1 in its except block; after the timeout the count is back to 0.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def inner():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"inner cancelled, cancelling={asyncio.current_task().cancelling()}")
        raise


async def main():
    try:
        async with asyncio.timeout(0.5):
            await inner()
    except TimeoutError:
        log(f"timed out, cancelling={asyncio.current_task().cancelling()}")
    try:
        await asyncio.wait_for(inner(), 0.25)
    except TimeoutError:
        log(f"wait_for timed out, cancelling={asyncio.current_task().cancelling()}")

run(main())
