# Rules 4, 12: as_completed over tasks with equal deadlines yields them in the order they finish (arming order).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} finished")
    return name


async def main():
    ts = [asyncio.create_task(job(n, d)) for n, d in [("a", 1), ("b", 0.5), ("c", 1), ("d", 0.5)]]
    for f in asyncio.as_completed(ts):
        r = await f
        log(f"as_completed gave {r}")

run(main())
