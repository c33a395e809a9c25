# Rule 7: uncancel() decrements the cancel count and returns what is left; it does not go below 0; cancelling() of a task cancelled twice.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"sleeper cancelled, cancelling={asyncio.current_task().cancelling()}")
        raise


async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    t.cancel()
    t.cancel()
    log(f"cancelling={t.cancelling()}")
    log(f"uncancel -> {t.uncancel()}")
    log(f"cancelling={t.cancelling()}")
    try:
        await t
    except asyncio.CancelledError:
        log(f"t cancelled={t.cancelled()}")
    u = asyncio.create_task(sleeper())
    log(f"uncancel of uncancelled -> {u.uncancel()}")
    u.cancel()
    await asyncio.gather(u, return_exceptions=True)
    log(f"u cancelled={u.cancelled()}")

run(main())
