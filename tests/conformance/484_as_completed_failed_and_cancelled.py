# Rules 7, 12: as_completed yields a failure and a cancellation in completion order; iteration goes on to the last result.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise ValueError(name)
    return name


async def main():
    ts = [asyncio.create_task(job("a", 0.5)), asyncio.create_task(job("b", 0.25, fail=True)),
          asyncio.create_task(job("c", 1)), asyncio.create_task(job("d", 0.75))]
    asyncio.get_running_loop().call_later(0.375, ts[2].cancel)
    for fut in asyncio.as_completed(ts):
        try:
            log(f"got {await fut}")
        except ValueError as e:
            log(f"failed {e}")
        except asyncio.CancelledError:
            log("a cancelled one")
    log("end")

run(main())
