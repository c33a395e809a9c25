# Rule 5: a future's done-callbacks run in registration order, one slot each; a callback added after it is done is scheduled, not run at once.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: log(f"cb1 sees {f.result()}"))
    fut.add_done_callback(lambda f: log("cb2"))
    loop.call_later(0.5, fut.set_result, 7)
    log(f"awaiting, done={fut.done()}")
    r = await fut
    log(f"got {r}")
    fut.add_done_callback(lambda f: log("late cb"))
    log("late cb added")
    await asyncio.sleep(0)
    log("after one yield")
    bad = loop.create_future()
    bad.add_done_callback(lambda f: log(f"bad cb sees {f.exception()!r}"))
    bad.set_exception(KeyError("k"))
    log(f"exception() = {bad.exception()!r}")
    try:
        bad.result()
    except KeyError as e:
        log(f"result() raised KeyError {e}")
    await asyncio.sleep(0)

run(main())
