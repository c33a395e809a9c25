# Rules 1, 5: a done-callback added to a task or a future that is already done is scheduled with call_soon: it runs one slot later, behind what is queued.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick():
    return 1


async def ticker():
    for i in range(3):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(quick())
    await t
    f = loop.create_future()
    f.set_result("v")
    k = asyncio.create_task(ticker())
    t.add_done_callback(lambda _: log("task callback"))
    f.add_done_callback(lambda _: log("future callback"))
    log("callbacks added")
    await asyncio.sleep(0)
    log("main after one yield")
    await k
    log("end")

run(main())