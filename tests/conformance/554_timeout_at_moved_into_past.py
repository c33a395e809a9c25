# Rule 11: a timeout_at moved into the past by another task while the body sleeps expires on the next pass, before the mover's next line.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def mover(cm):
    await asyncio.sleep(0.25)
    cm.reschedule(0.125)
    log("moved into the past")
    await asyncio.sleep(0)
    log(f"mover after yield expired={cm.expired()}")


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout_at(loop.time() + 10) as cm:
            m = asyncio.create_task(mover(cm))
            await asyncio.sleep(1)
            log("slept")
    except TimeoutError:
        log(f"timed out expired={cm.expired()}")
    await m
    log("end")

run(main())