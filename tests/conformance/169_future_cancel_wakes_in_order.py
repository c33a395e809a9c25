# Rules 5, 7: a task awaiting a bare future is cancelled: the future is cancelled at once (cancelled() says so before anyone runs) and its awaiters wake in registration order, the earlier one first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(fut, name):
    try:
        r = await fut
        log(f"{name} got {r}")
    except asyncio.CancelledError as e:
        log(f"{name} saw CancelledError{e.args}")
        raise


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: log(f"callback: cancelled={f.cancelled()}"))
    early = asyncio.create_task(waiter(fut, "early"))
    await asyncio.sleep(0)
    late = asyncio.create_task(waiter(fut, "late"))
    await asyncio.sleep(0)
    late.cancel("stop")
    log(f"right after cancel: future cancelled={fut.cancelled()}")
    await asyncio.gather(early, late, return_exceptions=True)
    log("end")


run(main())
