# Rules 6, 7: a timeout (or wait_for) around a Condition or Barrier wait expires in the pass in which the task is cancelled from outside: the Condition re-acquires its lock, and the timeout's exit sees a cancel request beyond its own (uncancel() > cancelling() at entry), so CancelledError goes through, not TimeoutError; a cancel that comes after the task's turn, or none, leaves the TimeoutError. Found by scripts/differential.py (seed 500, programs 200 and 1201).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

C = asyncio.Condition()
B = asyncio.Barrier(2)


async def cond_wait():
    async with C:
        await C.wait()


async def waiter(name, how):
    try:
        try:
            if how == "timeout":
                async with asyncio.timeout(0.25):
                    async with C:
                        await C.wait()
            elif how == "wait_for":
                await asyncio.wait_for(cond_wait(), 0.25)
            else:
                async with asyncio.timeout(0.25):
                    await B.wait()
        except TimeoutError:
            log(f"{name}: TimeoutError, locked={C.locked()}")
    except asyncio.CancelledError:
        log(f"{name}: CancelledError, locked={C.locked()}")
        raise


async def main():
    for how in ("timeout", "wait_for", "barrier"):
        t = asyncio.create_task(waiter(f"{how}, cancelled after the expiry", how))
        await asyncio.sleep(0.25)
        t.cancel()
        r = await asyncio.gather(t, return_exceptions=True)
        log(f"gather: {r}")
    t = asyncio.create_task(waiter("cancelled after its turn", "timeout"))
    await asyncio.sleep(0)
    await asyncio.sleep(0.25)
    t.cancel()
    r = await asyncio.gather(t, return_exceptions=True)
    log(f"gather: {r}")
    t = asyncio.create_task(waiter("not cancelled", "timeout"))
    await asyncio.sleep(1)
    log(f"done: {t.done()} {t.cancelled()}")


run(main())
