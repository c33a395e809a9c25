# Rules 7, 9: a cancelled Condition waiter is handed the lock and cancelled again before it runs: the lock passes to the next waiter, the cancelled one queues again behind it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} woke")
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e.args}, locked={cond.locked()}")
        raise


async def other(cond, name):
    async with cond:
        log(f"{name} has the lock")
        await asyncio.sleep(0)
        log(f"{name} releases")


async def main():
    cond = asyncio.Condition()
    w = asyncio.create_task(waiter(cond, "w"))
    await asyncio.sleep(0)
    await cond.acquire()
    w.cancel("first")
    await asyncio.sleep(0)
    o = asyncio.create_task(other(cond, "o"))
    await asyncio.sleep(0)
    cond.release()
    log("main released")
    w.cancel("second")
    log(f"w cancelling={w.cancelling()}")
    await asyncio.gather(w, o, return_exceptions=True)
    log(f"end locked={cond.locked()}")

run(main())
