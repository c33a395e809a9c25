# Rules 7, 12: as_completed over tasks one of which is cancelled from outside: its await raises CancelledError in completion order; the others follow.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} done")
    return name


async def main():
    ts = [asyncio.create_task(job("a", 1)),
          asyncio.create_task(job("b", 2)),
          asyncio.create_task(job("c", 3))]
    asyncio.get_running_loop().call_later(1.5, ts[2].cancel)
    for f in asyncio.as_completed(ts):
        try:
            log(f"got {await f}")
        except asyncio.CancelledError:
            log("a task was cancelled")
    log(f"cancelled {[t.cancelled() for t in ts]}")

run(main())
