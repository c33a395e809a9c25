# Rules 7, 11, 12: wait_for(shield(job), 0.5) in a task cancelled from outside at 0.25: the caller gets CancelledError (not TimeoutError) with cancelling() 1, the wait_for's timer is disarmed, the job runs on and a second awaiter gets its result; the same shield awaited after the job ended returns at once.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job():
    await asyncio.sleep(0.375)
    log("job done")
    return "result"


async def caller(j):
    try:
        r = await asyncio.wait_for(asyncio.shield(j), 0.5)
        log(f"caller got {r}")
    except TimeoutError:
        log("caller TimeoutError")
    except asyncio.CancelledError:
        log(f"caller cancelled, cancelling={asyncio.current_task().cancelling()} job done={j.done()}")
        raise


async def main():
    j = asyncio.create_task(job())
    c = asyncio.create_task(caller(j))
    other = asyncio.create_task(asyncio.wait_for(asyncio.shield(j), 1))
    await asyncio.sleep(0.25)
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)
    log(f"caller cancelled={c.cancelled()}")
    log(f"other got {await other}")
    log(f"late shield got {await asyncio.wait_for(asyncio.shield(j), 0.125)}")
    await asyncio.sleep(1)
    log("end, no stray expiry")

run(main())
