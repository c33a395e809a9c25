# Rule 5: futures set by callbacks: call_later sets a result seen by several awaiters; call_soon sets an exception; done callbacks run in order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(fut, name):
    try:
        r = await fut
        log(f"{name} got {r}")
    except ValueError as e:
        log(f"{name} got error {e}")


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: log(f"callback 1 sees {f.result()}"))
    ws = [asyncio.create_task(waiter(fut, f"w{i}")) for i in range(2)]
    fut.add_done_callback(lambda f: log(f"callback 2 sees {f.result()}"))
    loop.call_later(1, fut.set_result, 42)
    log(f"main awaits, got {await fut}")
    await asyncio.gather(*ws)
    bad = loop.create_future()
    w = asyncio.create_task(waiter(bad, "w2"))
    await asyncio.sleep(0)
    loop.call_soon(bad.set_exception, ValueError("bad input"))
    log("scheduled the exception")
    await w
    log(f"bad done={bad.done()}")


run(main())
