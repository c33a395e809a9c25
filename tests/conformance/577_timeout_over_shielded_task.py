# Rules 11, 12: a timeout expires while the body awaits shield(task): the body gets TimeoutError at once, the task runs on and is awaited later; expired() is True.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(0.5)
    log("work done")
    return 42


async def main():
    t = asyncio.create_task(work())
    try:
        async with asyncio.timeout(0.25) as cm:
            await asyncio.shield(t)
    except TimeoutError:
        log(f"timed out expired={cm.expired()} t done={t.done()}")
    log(f"result {await t}")

run(main())