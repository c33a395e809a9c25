# Rules 7, 11: wait_for over a task that another task cancels before the deadline: the caller gets CancelledError (not TimeoutError) and is not itself cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job():
    await asyncio.sleep(5)


async def caller(t):
    try:
        await asyncio.wait_for(t, 2)
    except TimeoutError:
        log("caller timed out")
    except asyncio.CancelledError:
        log(f"caller got CancelledError, t cancelled={t.cancelled()}")
    await asyncio.sleep(0.5)
    log("caller goes on")
    return "ok"


async def main():
    t = asyncio.create_task(job())
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(1)
    t.cancel("from main")
    log(f"caller result {await c}, c cancelled={c.cancelled()}")

run(main())
