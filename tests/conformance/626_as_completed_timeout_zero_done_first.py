# Rule 12: as_completed with timeout=0: a task already done is yielded first, then TimeoutError for the rest, which run on.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} done")
    return name


async def main():
    a = asyncio.create_task(work("a", 0))
    b = asyncio.create_task(work("b", 0.125))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log(f"a done={a.done()}")
    try:
        for fut in asyncio.as_completed([b, a], timeout=0):
            log(f"got {await fut}")
    except TimeoutError:
        log("timed out")
    log(f"b {await b}")

run(main())
