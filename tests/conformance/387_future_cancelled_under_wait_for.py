# Rules 7, 11: wait_for over a future that a callback cancels before the deadline: the awaiter gets CancelledError, not TimeoutError, and its task is not cancelled; a future set in time returns its value.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    loop.call_later(1, f.cancel, "dropped")
    try:
        await asyncio.wait_for(f, 2)
    except TimeoutError:
        log("timed out")
    except asyncio.CancelledError as e:
        log(f"CancelledError {e.args}, task cancelling={asyncio.current_task().cancelling()}")
    g = loop.create_future()
    loop.call_later(0.5, g.set_result, "value")
    log(f"got {await asyncio.wait_for(g, 1)}")
    h = loop.create_future()
    try:
        await asyncio.wait_for(h, 0.5)
    except TimeoutError:
        log(f"h timed out, h cancelled={h.cancelled()}")

run(main())
