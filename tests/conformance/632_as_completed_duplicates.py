# Rule 12: as_completed takes a set: a task listed twice is yielded once.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    a = asyncio.create_task(work("a", 0.25))
    b = asyncio.create_task(work("b", 0.125))
    n = 0
    for fut in asyncio.as_completed([a, b, a]):
        n += 1
        log(f"got {await fut}")
    log(f"yielded {n}")

run(main())
