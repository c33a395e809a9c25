# Rules 1, 2: call_later(0) fires at the next pass's start, behind what that pass queued; sleep(0) re-queues at once; a callback's call_later(0) waits for the pass after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()

    def cb(name):
        log(name)
        if name == "later0-a":
            loop.call_later(0, log, "later0 from callback")
            loop.call_soon(log, "soon from callback")

    loop.call_later(0, cb, "later0-a")
    loop.call_soon(cb, "soon-a")
    for i in range(3):
        log(f"main {i}")
        await asyncio.sleep(0)
    loop.call_later(0, cb, "later0-b")
    await asyncio.sleep(0)
    log("main 3")
    await asyncio.sleep(0)
    log("main 4")

run(main())
