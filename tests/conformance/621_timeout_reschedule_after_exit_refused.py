# Rule 11: reschedule() of a timeout that expired or that exited normally is refused (RuntimeError); when() keeps its last deadline.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0.125) as cm:
            await asyncio.sleep(1)
    except TimeoutError:
        log(f"expired={cm.expired()}")
    try:
        cm.reschedule(loop.time() + 1)
        log("moved")
    except RuntimeError:
        log(f"reschedule refused when={round(cm.when() * 1000)}")
    async with asyncio.timeout(0.5) as cm2:
        await asyncio.sleep(0.125)
    try:
        cm2.reschedule(None)
        log("disarmed")
    except RuntimeError:
        log(f"second refused expired={cm2.expired()} when={round(cm2.when() * 1000)}")

run(main())
