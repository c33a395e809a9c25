# Rules 5, 7: done-callbacks of a future and of tasks run one slot after it is done, in registration order (one added after it is done too); result() and exception() of pending, finished, failed and cancelled futures and tasks; None and list values.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    return [name, delay]


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.add_done_callback(lambda fut: log(f"cb1 sees {fut.result()}"))
    f.add_done_callback(lambda fut: log(f"cb2 sees exception {fut.exception()}"))
    try:
        log(f"{f.result()}")
    except asyncio.InvalidStateError:
        log("result() of a pending future: InvalidStateError")
    f.set_result([1, None])
    log(f"set, result={f.result()}")
    await asyncio.sleep(0)
    log("after one yield")
    f.add_done_callback(lambda fut: log("late callback"))
    log("late callback added")
    await asyncio.sleep(0)
    g = loop.create_future()
    g.set_exception(ValueError("bad"))
    log(f"g.exception() = {g.exception()}")
    try:
        log(f"{g.result()}")
    except ValueError as e:
        log(f"g.result() raised ValueError {e}")
    h = loop.create_future()
    h.cancel("stop")
    try:
        log(f"{h.exception()}")
    except asyncio.CancelledError as e:
        log(f"h.exception() raised CancelledError {e}")
    a = asyncio.create_task(job("a", 0.5, False))
    b = asyncio.create_task(job("b", 0.25, True))
    a.add_done_callback(lambda t: log(f"a done: {t.result()}"))
    b.add_done_callback(lambda t: log(f"b done: exception {t.exception()}"))
    try:
        log(f"{a.result()}")
    except asyncio.InvalidStateError:
        log("a.result() while running: InvalidStateError")
    await asyncio.sleep(1)
    log(f"a.result()={a.result()} a.exception()={a.exception()}")
    none = None
    if none == None and [1, 2] < [1, 3]:
        log(f"None and lists compare: {[none, [2]]}")


run(main())
