# Rules 7, 9: a Condition waiter notified and then cancelled before it runs: what happens to the notification.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} woke")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    cond = asyncio.Condition()
    w1 = asyncio.create_task(waiter(cond, "w1"))
    w2 = asyncio.create_task(waiter(cond, "w2"))
    await asyncio.sleep(0.5)
    async with cond:
        cond.notify(1)
        w1.cancel()
    await asyncio.sleep(0.5)
    log(f"w2 done={w2.done()}")
    async with cond:
        cond.notify_all()
    await asyncio.gather(w1, w2, return_exceptions=True)
    log("end")


run(main())
