# Rules 7, 9: async with cond around wait(): a notified waiter is cancelled after wait() returned, while it holds the lock in its body; the lock is released on the way out and the next notified waiter re-acquires it; a waiter still waiting is unaffected until notify_all.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name, work):
    try:
        async with cond:
            log(f"{name} waits")
            await cond.wait()
            log(f"{name} notified, holds the lock")
            await asyncio.sleep(work)
            log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={cond.locked()}")
        raise


async def main():
    cond = asyncio.Condition()
    ts = [asyncio.create_task(waiter(cond, n, w)) for n, w in [("a", 0.5), ("b", 0.125), ("c", 0.125)]]
    await asyncio.sleep(0.125)
    async with cond:
        cond.notify(2)
        log("notify(2)")
    await asyncio.sleep(0.125)
    ts[0].cancel()
    log(f"cancelled a, locked={cond.locked()}")
    await asyncio.sleep(0.25)
    async with cond:
        cond.notify_all()
        log("notify_all")
    r = await asyncio.gather(*ts, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]} locked={cond.locked()}")

run(main())
