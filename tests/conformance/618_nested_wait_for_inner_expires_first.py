# Rule 11: wait_for inside wait_for: the inner expires first and its TimeoutError is caught inside; the outer body then finishes in time.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def body():
    try:
        await asyncio.wait_for(asyncio.sleep(1), 0.125)
    except TimeoutError:
        log("inner timed out")
    await asyncio.sleep(0.125)
    log("body done")
    return "ok"


async def main():
    r = await asyncio.wait_for(body(), 0.5)
    log(f"outer {r}")
    try:
        await asyncio.wait_for(body(), 0.25)
    except TimeoutError:
        log("outer timed out")

run(main())
