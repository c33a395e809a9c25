# Rule 12: as_completed with a timeout: results before it, then TimeoutError; the unfinished task runs on and is awaited later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def job(i, d):
    await asyncio.sleep(d)
    log(f"job {i} finished")
    return i


async def main():
    ts = [asyncio.create_task(job(i, d)) for i, d in enumerate([0.125, 0.5, 0.25])]
    got = []
    try:
        for c in asyncio.as_completed(ts, timeout=0.375):
            got.append(await c)
            log(f"got {got[-1]}")
    except TimeoutError:
        log(f"timeout, got {got}")
    log(f"late {await ts[1]}")

run(main())
