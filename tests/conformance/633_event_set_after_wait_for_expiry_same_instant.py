# Rules 4, 9, 11: an Event set by call_later at the instant a wait_for on it expires, the expiry armed first: the expiry cancels the wait before the set, so TimeoutError; the event stays set for the next wait.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def main():
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()

    async def arm_set():
        await asyncio.sleep(0)
        loop.call_later(0.25, ev.set)

    s = asyncio.create_task(arm_set())
    try:
        await asyncio.wait_for(ev.wait(), 0.25)
        log("woke")
    except TimeoutError:
        log(f"timed out is_set={ev.is_set()}")
    await s
    await ev.wait()
    log("second wait returns at once")

run(main())
