# Rules 7, 9: a Condition waiter cancelled, then cancelled again while it re-acquires the lock: it leaves the lock's line, queues again at the back, and ends with the last cancellation's message.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} woke")
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e.args}, locked={cond.locked()}, cancelling={asyncio.current_task().cancelling()}")
        raise


async def other(cond, name):
    async with cond:
        log(f"{name} has the lock")
        await asyncio.sleep(0.125)
        log(f"{name} releases")


async def main():
    cond = asyncio.Condition()
    w = asyncio.create_task(waiter(cond, "w"))
    await asyncio.sleep(0)
    await cond.acquire()
    log("main has the lock")
    o1 = asyncio.create_task(other(cond, "o1"))
    await asyncio.sleep(0)
    w.cancel("first")
    await asyncio.sleep(0)
    o2 = asyncio.create_task(other(cond, "o2"))
    await asyncio.sleep(0)
    w.cancel("second")
    await asyncio.sleep(0)
    log(f"w done={w.done()} cancelling={w.cancelling()}")
    cond.release()
    log("main released")
    await asyncio.gather(w, o1, o2, return_exceptions=True)
    log(f"end locked={cond.locked()}")

run(main())
