# Rules 1, 7: a callback creates a task and cancels another; the new task's first step and the cancellation are queued in order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name):
    try:
        log(f"{name} starts")
        await asyncio.sleep(1)
        log(f"{name} ends")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    old = asyncio.create_task(worker("old"))
    holder = {}

    def swap():
        holder["new"] = asyncio.create_task(worker("new"))
        old.cancel()
        log("swapped")

    loop.call_later(0.5, swap)
    await asyncio.sleep(0.5)
    log("main woke")
    await asyncio.gather(old, return_exceptions=True)
    await holder["new"]

run(main())
