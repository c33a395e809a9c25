# Rule 11: a timeout's expiry caught inside its block (`except CancelledError`, no re-raise): until the block ends the timeout is `expiring`, so `reschedule()` raises `RuntimeError('Cannot change state of expiring Timeout')` and `expired()` is True; after the block (no TimeoutError: the expiry was swallowed) it is `expired`, and one that ended in time is `finished`. The scenario language said `expired` inside the block. Found by scripts/differential.py (seed 8501, program 328).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(0.5) as cm:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError as e:
            log(f"caught {e!r}, expired {cm.expired()}")
        try:
            cm.reschedule(loop.time() + 1)
        except RuntimeError as e:
            log(f"inside: {e!r}")
    log(f"after the block, expired {cm.expired()}")
    try:
        cm.reschedule(loop.time() + 1)
    except RuntimeError as e:
        log(f"after: {e!r}")
    async with asyncio.timeout(0.5) as cm2:
        await asyncio.sleep(0.25)
    try:
        cm2.reschedule(loop.time() + 1)
    except RuntimeError as e:
        log(f"in time, after: {e!r}")


run(main())
