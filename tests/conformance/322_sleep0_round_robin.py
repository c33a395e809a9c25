# Rules 1, 3: sleep(0) fairness: three tasks yielding different numbers of times interleave round-robin; a timer due meanwhile waits for the pass.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def spin(name, n):
    for i in range(n):
        log(f"{name} {i}")
        await asyncio.sleep(0)
    log(f"{name} ends")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(0, log, "timer 0")
    ts = [asyncio.create_task(spin(n, k)) for n, k in [("a", 3), ("b", 1), ("c", 2)]]
    await asyncio.sleep(0)
    log("main back")
    await asyncio.gather(*ts)

run(main())
