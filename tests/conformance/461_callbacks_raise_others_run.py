# Rule 5: a call_soon callback or a done-callback that raises is reported and the loop goes on: the next callbacks run in order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def boom(name):
    log(f"{name} raises")
    raise ValueError(name)


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(log, "cb1")
    loop.call_soon(boom, "cb2")
    loop.call_soon(log, "cb3")
    fut = loop.create_future()
    fut.add_done_callback(lambda f: boom("done1"))
    fut.add_done_callback(lambda f: log(f"done2 sees {f.result()}"))
    loop.call_soon(fut.set_result, 7)
    await asyncio.sleep(0)
    log("main after one pass")
    await asyncio.sleep(0)
    log("main after two passes")
    log(f"await fut -> {await fut}")

loop_exc = []
run(main())
