# Rules 7, 11: a timeout expires in the pass in which its task is cancelled from outside; the body catches the CancelledError and re-raises it: the timeout's exit sees a request beyond its own and lets the CancelledError through (as in case 704), to the task's `except CancelledError` around it, not a TimeoutError. simloop raised TimeoutError. Found by scripts/differential.py (seed 4000, program 676).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(f):
    try:
        try:
            async with asyncio.timeout(0.25):
                try:
                    await f
                except asyncio.CancelledError:
                    log("worker caught, re-raises")
                    raise
        except TimeoutError:
            log("worker TimeoutError (not expected)")
    except asyncio.CancelledError:
        log("worker cancelled")
        raise


async def main():
    f = asyncio.get_running_loop().create_future()
    t = asyncio.create_task(worker(f))
    await asyncio.wait([t], timeout=0.25)
    t.cancel()
    r = await asyncio.gather(t, return_exceptions=True)
    log(f"gather {r!r}")


run(main())
