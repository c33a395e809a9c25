# Rules 1, 5, 12: awaits that find their work done do not yield: shield of a finished task, wait_for of a finished task, a TaskGroup whose children all ended, an empty gather; a ticker shows no slot taken.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker():
    for i in range(6):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def quick():
    return 5


async def main():
    t = asyncio.create_task(quick())
    k = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    log(f"t done={t.done()}")
    log(f"shield of a finished task: {await asyncio.shield(t)}")
    log(f"wait_for of a finished task: {await asyncio.wait_for(t, 1)}")
    log(f"gather of nothing: {await asyncio.gather()}")
    async with asyncio.TaskGroup() as tg:
        c = tg.create_task(quick())
        await asyncio.sleep(0)
        log(f"child done={c.done()}")
    log("group exited")
    await asyncio.sleep(0)
    log("main yields")
    await k

run(main())
