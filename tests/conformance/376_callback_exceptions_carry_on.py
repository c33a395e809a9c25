# Rules 1, 5: a callback that raises (call_soon, a task's and a future's done-callback) is reported and the loop carries on: the next callbacks and tasks run in their slots.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def boom(what):
    log(f"{what} raises")
    raise RuntimeError(what)


async def ticker():
    for i in range(4):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(ticker())
    loop.call_soon(boom, "soon")
    loop.call_soon(log, "after soon")
    fut = loop.create_future()
    fut.add_done_callback(lambda f: boom("future cb"))
    fut.add_done_callback(lambda f: log(f"second future cb sees {f.result()}"))
    fut.set_result(1)
    w = asyncio.create_task(asyncio.sleep(0.5))
    w.add_done_callback(lambda t: boom("task cb"))
    w.add_done_callback(lambda t: log("second task cb"))
    await t
    await w
    log("main carries on")
    await asyncio.sleep(0)
    log("end")

run(main())
