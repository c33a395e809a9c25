# Rule 11: wait_for inside wait_for, the inner deadline first: the inner TimeoutError is caught inside; the outer never fires.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def inner():
    try:
        await asyncio.wait_for(asyncio.sleep(1), 0.25)
    except TimeoutError:
        log("inner timed out")
    await asyncio.sleep(0.25)
    return "inner done"


async def main():
    r = await asyncio.wait_for(inner(), 1)
    log(f"got {r}")
    try:
        await asyncio.wait_for(asyncio.wait_for(asyncio.sleep(1), 0.5), 0.5)
    except TimeoutError:
        log("tied deadlines: timed out")

run(main())
