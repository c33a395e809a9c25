# Rule 7: cancel() twice counts twice; a finished task refuses cancel(); current_task names; awaiting a finished task does not yield.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def named_work():
    log(f"running as {asyncio.current_task().get_name()}")
    await asyncio.sleep(1)
    return "ok"


async def main():
    t = asyncio.create_task(named_work(), name="worker-1")
    await asyncio.sleep(0)
    log(f"cancel={t.cancel()} cancel={t.cancel()} cancelling={t.cancelling()}")
    try:
        await t
    except asyncio.CancelledError:
        log(f"cancelled={t.cancelled()}")
    u = asyncio.create_task(named_work(), name="worker-2")
    await asyncio.sleep(1.5)
    other = asyncio.create_task(asyncio.sleep(0))
    other.add_done_callback(lambda _: log("other done"))
    log(f"u done={u.done()} result={await u}")
    log(f"cancel finished -> {u.cancel()}")
    await other


run(main())
