# Rules 7, 11: cancelling a task that awaits a bare future cancels the future itself, so its other awaiters see CancelledError; wait_for's expiry over a future cancels it too.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(fut, name):
    try:
        r = await fut
        log(f"{name} got {r}")
    except asyncio.CancelledError:
        log(f"{name} saw CancelledError")
        raise


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    a = asyncio.create_task(waiter(fut, "a"))
    b = asyncio.create_task(waiter(fut, "b"))
    await asyncio.sleep(0)
    a.cancel()
    await asyncio.gather(a, b, return_exceptions=True)
    log(f"future cancelled={fut.cancelled()}")
    fut2 = loop.create_future()
    try:
        await asyncio.wait_for(fut2, timeout=1)
    except TimeoutError:
        log(f"wait_for timed out; future cancelled={fut2.cancelled()}")
    fut3 = loop.create_future()
    loop.call_later(2, fut3.set_result, "late")
    try:
        await asyncio.wait_for(asyncio.shield(fut3), timeout=1)
    except TimeoutError:
        log(f"shielded future cancelled={fut3.cancelled()}")
    log(f"then got {await fut3}")


run(main())
