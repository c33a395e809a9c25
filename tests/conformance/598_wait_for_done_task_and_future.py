# Rules 1, 11: wait_for over a finished task or a finished future returns without yielding (3.12); a ticker created before runs only at main's next real suspension.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(asyncio.sleep(0, result="r"))
    await t
    f = loop.create_future()
    f.set_result("f")
    k = asyncio.create_task(ticker())
    log(f"task {await asyncio.wait_for(t, 1)}")
    log(f"future {await asyncio.wait_for(f, 1)}")
    log(f"task again {await asyncio.wait_for(t, None)}")
    await asyncio.sleep(0)
    log("main after a yield")
    await k
    log("end")

run(main())
