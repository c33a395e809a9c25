# Rules 1, 6: a gather child creates a task and returns it; the caller awaits it after the gather.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def maker(name):
    await asyncio.sleep(0.125)
    t = asyncio.create_task(asyncio.sleep(0.25, result=f"{name} inner"))
    log(f"{name} made a task")
    return t


async def main():
    ts = await asyncio.gather(maker("a"), maker("b"))
    log("gathered")
    for t in ts:
        log(await t)

run(main())
