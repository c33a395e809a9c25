# Rules 1, 5, 12: as_completed over tasks ending in the same pass yields them in completion order, which sleep(0) counts decide, not argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, spins):
    for _ in range(spins):
        await asyncio.sleep(0)
    log(f"{name} ends")
    return name


async def main():
    ts = [asyncio.create_task(job(n, s)) for n, s in (("a", 3), ("b", 1), ("c", 2), ("d", 0))]
    for aw in asyncio.as_completed(ts):
        r = await aw
        log(f"yielded {r}")

run(main())
