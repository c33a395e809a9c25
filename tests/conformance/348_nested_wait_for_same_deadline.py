# Rule 11: nested wait_for with the same deadline: the inner (armed later) loses to the outer, which raises TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def inner():
    try:
        await asyncio.wait_for(asyncio.sleep(5), 1)
    except TimeoutError:
        log("inner timed out")
        return "inner"


async def main():
    try:
        r = await asyncio.wait_for(inner(), 1)
        log(f"outer got {r}")
    except TimeoutError:
        log("outer timed out")
    try:
        r = await asyncio.wait_for(inner(), 1.5)
        log(f"outer got {r}")
    except TimeoutError:
        log("never")

run(main())
