# Rule 7: done(), cancelled(), get_name() and cancelling() on a task: each cancel() request counts; a finished task refuses cancel().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def nap():
    await asyncio.sleep(1)
    return "rested"


async def main():
    t = asyncio.create_task(nap(), name="napper")
    u = asyncio.create_task(nap(), name="worker")
    await asyncio.sleep(0)
    log(f"{t.get_name()} done={t.done()} cancelling={t.cancelling()}")
    log(f"cancel -> {t.cancel()} cancelling={t.cancelling()}")
    log(f"cancel again -> {t.cancel()} cancelling={t.cancelling()}")
    try:
        await t
    except asyncio.CancelledError:
        log(f"{t.get_name()} done={t.done()} cancelled={t.cancelled()}")
    r = await u
    log(f"{u.get_name()} {r} cancelled={u.cancelled()} cancel -> {u.cancel()}")


run(main())
