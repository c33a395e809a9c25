# Rule 12: as_completed with a timeout that every task beats: all yielded in completion order, no TimeoutError; the timer left does nothing.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    ts = [asyncio.create_task(job(n, d)) for n, d in (("a", 0.5), ("b", 0.25), ("c", 0.75))]
    for fut in asyncio.as_completed(ts, timeout=1):
        log(f"got {await fut}")
    log("loop over")
    await asyncio.sleep(1)
    log("end")

run(main())
