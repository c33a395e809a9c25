# Rules 7, 11: the caller of wait_for(coroutine) cancelled from outside: the inner work sees the cancellation first, then the caller gets CancelledError, not TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def inner():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("inner cancelled")
        raise


async def caller():
    try:
        await asyncio.wait_for(inner(), 0.5)
    except TimeoutError:
        log("caller timed out")
    except asyncio.CancelledError:
        log("caller cancelled")
        raise


async def main():
    c = asyncio.create_task(caller())
    await asyncio.sleep(0.125)
    c.cancel()
    await asyncio.sleep(0)
    log(f"c done={c.done()}")
    try:
        await c
    except asyncio.CancelledError:
        log(f"c cancelled={c.cancelled()}")

run(main())
