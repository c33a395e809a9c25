# Rules 11, 12: wait_for(shield(wait_for(task, 1)), 0.5): the outer expires, the inner wait_for runs on and later cancels the task at its own deadline.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    try:
        await asyncio.sleep(2)
        return "done"
    except asyncio.CancelledError:
        log("work cancelled")
        raise


async def main():
    t = asyncio.create_task(work())
    inner = asyncio.ensure_future(asyncio.wait_for(t, 1))
    try:
        await asyncio.wait_for(asyncio.shield(inner), 0.5)
    except TimeoutError:
        log(f"outer timed out, t done={t.done()}")
    try:
        await inner
    except TimeoutError:
        log(f"inner timed out, t cancelled={t.cancelled()}")

run(main())
