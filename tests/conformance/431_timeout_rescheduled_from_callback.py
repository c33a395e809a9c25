# Rule 11: a call_later callback moves a running timeout earlier and another moves it later; the expiry follows the last deadline set before it fired.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(5) as cm:
            loop.call_later(1, lambda: cm.reschedule(loop.time() + 1))
            loop.call_later(1.5, lambda: cm.reschedule(loop.time() + 1))
            await asyncio.sleep(10)
    except TimeoutError:
        log(f"expired, when={cm.when()}")
    try:
        async with asyncio.timeout(5) as cm2:
            loop.call_later(1, lambda: cm2.reschedule(loop.time()))
            await asyncio.sleep(10)
    except TimeoutError:
        log("expired at once")
    log("end")

run(main())
