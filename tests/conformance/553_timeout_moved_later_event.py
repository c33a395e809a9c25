# Rules 9, 11: a timeout moved later by another task while its body waits on an Event: the event set before the new deadline ends the body; expired() stays False.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def mover(cm, ev):
    await asyncio.sleep(0.125)
    loop = asyncio.get_running_loop()
    cm.reschedule(loop.time() + 0.5)
    log(f"moved to {cm.when() * 1000:.0f}")
    await asyncio.sleep(0.25)
    ev.set()
    log("set")


async def main():
    ev = asyncio.Event()
    try:
        async with asyncio.timeout(0.25) as cm:
            m = asyncio.create_task(mover(cm, ev))
            await ev.wait()
            log(f"woke expired={cm.expired()}")
    except TimeoutError:
        log("timed out")
    await m
    log(f"end expired={cm.expired()}")

run(main())