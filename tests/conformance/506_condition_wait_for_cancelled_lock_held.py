# Rules 7, 9: a task in cond.wait_for(pred) cancelled while the notifier holds the lock ends once the lock is released.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, state):
    try:
        async with cond:
            await cond.wait_for(lambda: state["ready"])
            log("waiter sees ready")
    except asyncio.CancelledError:
        log("waiter cancelled")
        raise


async def main():
    cond = asyncio.Condition()
    state = {"ready": False}
    w = asyncio.create_task(waiter(cond, state))
    await asyncio.sleep(0)
    async with cond:
        w.cancel()
        log("cancelled while holding")
        await asyncio.sleep(0.25)
        log("releasing")
    await asyncio.gather(w, return_exceptions=True)
    log(f"end cancelled={w.cancelled()}")

run(main())
