# Rules 5, 11: a task awaited directly and through wait_for: it ends before the deadline, both get the result, direct awaiter first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def work():
    await asyncio.sleep(0.25)
    return "r"


async def direct(t):
    log(f"direct {await t}")


async def timed(t):
    log(f"timed {await asyncio.wait_for(t, 0.5)}")


async def main():
    t = asyncio.create_task(work())
    a = asyncio.create_task(timed(t))
    b = asyncio.create_task(direct(t))
    await asyncio.gather(a, b)
    log("end")

run(main())
