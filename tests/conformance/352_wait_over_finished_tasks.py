# Rules 1, 5, 12: wait() and as_completed() over tasks that already finished still yield (their done-callbacks take a slot each, then the caller's wake); a ticker counts the slots.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(n):
    for i in range(n):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def quick(v):
    return v


async def main():
    ts = [asyncio.create_task(quick(i)) for i in range(2)]
    await asyncio.sleep(0)
    t = asyncio.create_task(ticker(6))
    await asyncio.sleep(0)
    log("wait over finished tasks")
    done, pending = await asyncio.wait(ts)
    log(f"wait returned {len(done)} done")
    for f in asyncio.as_completed(ts):
        log(f"as_completed gave {await f}")
    log("as_completed over")
    await t

run(main())
