# Rule 11: asyncio.timeout: reschedule later and earlier, nested with wait_for; the shorter deadline wins, expired() says who fired.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 2)
            r = await asyncio.wait_for(work("inner", 1), timeout=3)
            log(f"wait_for gave {r}")
            cm.reschedule(loop.time() + 0.5)
            await work("second", 1)
    except TimeoutError:
        log(f"outer expired={cm.expired()}")
    try:
        async with asyncio.timeout(1) as outer:
            try:
                await asyncio.wait_for(work("w", 5), timeout=0.5)
            except TimeoutError:
                log(f"wait_for timed out, outer expired={outer.expired()}")
            outer.reschedule(loop.time() + 0.25)
            await work("tail", 1)
    except TimeoutError:
        log(f"outer fired, expired={outer.expired()}")
    log("end")


run(main())
