# Rule 12: wait() over tasks that are all done still suspends: their callbacks resolve it one pass later; a ticker runs in between.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    a = asyncio.create_task(asyncio.sleep(0))
    b = asyncio.create_task(asyncio.sleep(0))
    await asyncio.gather(a, b)
    k = asyncio.create_task(ticker())
    done, pending = await asyncio.wait([a, b])
    log(f"wait done={len(done)} pending={len(pending)}")
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    log(f"first done={len(done)}")
    await k

run(main())
