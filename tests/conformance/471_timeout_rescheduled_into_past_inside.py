# Rule 11: a timeout rescheduled into the past from inside its body expires at the next pass: the sleep started after it is cancelled, expired() True.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(ticker())
    try:
        async with asyncio.timeout(10) as cm:
            await asyncio.sleep(0.5)
            cm.reschedule(loop.time() - 1)
            log(f"rescheduled, expired={cm.expired()}")
            await asyncio.sleep(1)
            log("not reached")
    except TimeoutError:
        log(f"timed out at {loop.time()}, expired={cm.expired()}")
    await t

run(main())
