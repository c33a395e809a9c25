# Rule 12: as_completed takes a set: with tasks listed twice ([a, a, b, c, c]) and a
# timeout, each distinct task is yielded once, and each one left raises TimeoutError once.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def job(name, d):
    await asyncio.sleep(d)
    log(f"{name} ready")
    return name


async def main():
    a = asyncio.create_task(job("a", 0.25))
    b = asyncio.create_task(job("b", 0.125))
    c = asyncio.create_task(job("c", 0.5))
    n = 0
    for fut in asyncio.as_completed([a, a, b, c, c], timeout=0.375):
        n += 1
        try:
            log(f"got {await fut}")
        except TimeoutError:
            log("TimeoutError")
    log(f"yielded {n}")
    log(f"c after timeout: {await c}")
    n = 0
    for fut in asyncio.as_completed([c, c]):
        n += 1
        log(f"done again {await fut}")
    log(f"yielded {n}")

run(main())
