# Rules 5, 7, 12: shield of a task that was cancelled or failed before the call raises at once without yielding; shield of a task cancelled while shielded raises CancelledError to the caller two slots after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker():
    for i in range(5):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def bad():
    raise LookupError("bad")


async def main():
    c = asyncio.create_task(asyncio.sleep(5))
    b = asyncio.create_task(bad())
    await asyncio.sleep(0)
    c.cancel()
    await asyncio.sleep(0)
    k = asyncio.create_task(ticker())
    try:
        await asyncio.shield(c)
    except asyncio.CancelledError:
        log("shield of a cancelled task raised at once")
    try:
        await asyncio.shield(b)
    except LookupError:
        log("shield of a failed task raised at once")
    d = asyncio.create_task(asyncio.sleep(5))
    asyncio.get_running_loop().call_soon(d.cancel)
    try:
        await asyncio.shield(d)
    except asyncio.CancelledError:
        log(f"shielded task cancelled meanwhile, main cancelling={asyncio.current_task().cancelling()}")
    await k

run(main())
