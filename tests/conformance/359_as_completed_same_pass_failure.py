# Rules 5, 12: as_completed when two tasks end in the same pass, one failing: both come out in completion order, the failure raised by its await.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    return name


async def main():
    ts = [asyncio.create_task(job("ok", 1)), asyncio.create_task(job("bad", 1, fail=True)),
          asyncio.create_task(job("late", 2))]
    for f in asyncio.as_completed(ts):
        try:
            log(f"got {await f}")
        except ValueError as e:
            log(f"failed {e}")

run(main())
