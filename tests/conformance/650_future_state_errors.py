# Rules 5, 7: a bare future's state errors: result() while pending raises InvalidStateError; cancel(msg) then set_result() raises InvalidStateError; cancel() of a done future returns False; result() of a cancelled future raises CancelledError with its message; a done-callback added after cancel runs one slot later; set_exception() after set_result() is refused.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    try:
        f.result()
    except asyncio.InvalidStateError as e:
        log(f"pending result(): InvalidStateError {e}")
    log(f"cancel -> {f.cancel('gone')}, again -> {f.cancel('twice')}")
    try:
        f.set_result(1)
    except asyncio.InvalidStateError as e:
        log(f"set_result after cancel: InvalidStateError {e}")
    try:
        f.result()
    except asyncio.CancelledError as e:
        log(f"result() of cancelled: CancelledError {e.args}")
    f.add_done_callback(lambda fut: log(f"late callback cancelled={fut.cancelled()}"))
    log("callback added")
    await asyncio.sleep(0)
    log("after one yield")
    g = loop.create_future()
    g.set_result("v")
    log(f"cancel of done -> {g.cancel()}, result {g.result()}")
    try:
        g.set_exception(ValueError("late"))
    except asyncio.InvalidStateError as e:
        log(f"set_exception after set_result: InvalidStateError {e}")
    h = loop.create_future()
    waiter = asyncio.create_task(asyncio.wait_for(h, 1))
    await asyncio.sleep(0.125)
    h.set_result("in time")
    log(f"waiter got {await waiter}")

run(main())
