# Rules 6, 7: gather(return_exceptions=True) with one child cancelled from outside and one failing: both listed, the others' results kept.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    ts = [asyncio.create_task(job("a", 1)), asyncio.create_task(job("b", 2)),
          asyncio.create_task(job("c", 0.5, fail=True))]
    asyncio.get_running_loop().call_later(1.5, ts[1].cancel)
    r = await asyncio.gather(*ts, job("d", 0.25), return_exceptions=True)
    log(f"results {r!r}")

run(main())
