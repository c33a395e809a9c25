# Rules 1, 2: many tasks looping on sleep(0) with different counts, a call_soon chain and a zero-delay timer: each pass runs what was queued at its start; the timer enters at the next pass.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def spinner(name, n):
    for i in range(n):
        log(f"{name} {i}")
        await asyncio.sleep(0)
    log(f"{name} ends")


async def main():
    loop = asyncio.get_running_loop()

    def chain(k):
        log(f"chain {k}")
        if k < 3:
            loop.call_soon(chain, k + 1)

    ts = [asyncio.create_task(spinner(n, c)) for n, c in (("a", 3), ("b", 1), ("c", 2))]
    loop.call_soon(chain, 0)
    loop.call_later(0, log, "timer 0")
    await asyncio.gather(*ts)
    log("all done")

run(main())
