# Rules 1, 6, 12: awaiting shield() of a finished task and an empty gather() do not yield; a ticker runs only when main sleeps.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ticker():
    log("tick")


async def main():
    t = asyncio.create_task(asyncio.sleep(0, result=7))
    await t
    k = asyncio.create_task(ticker())
    log(f"shield {await asyncio.shield(t)}")
    log(f"gather {await asyncio.gather()}")
    log(f"k done={k.done()}")
    await asyncio.sleep(0)
    log(f"k done={k.done()}")

run(main())
