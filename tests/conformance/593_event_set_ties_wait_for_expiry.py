# Rules 4, 9, 11: an Event set by call_later at the instant a wait_for on it expires, the set armed first: the waiter is woken, then the expiry cancels it, so TimeoutError (3.12; 3.11 returns); the same under timeout().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()
    loop.call_later(0.25, ev.set)
    try:
        await asyncio.wait_for(ev.wait(), 0.25)
        log("woke")
    except TimeoutError:
        log(f"timed out is_set={ev.is_set()}")
    ev2 = asyncio.Event()
    try:
        async with asyncio.timeout(0.25):
            loop.call_later(0.25, ev2.set)
            await ev2.wait()
            log("second woke")
    except TimeoutError:
        log(f"second timed out is_set={ev2.is_set()}")

run(main())