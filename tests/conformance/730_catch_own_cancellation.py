# Rule 7: a task that catches its own cancellation (`except CancelledError as e`) gets the message of `cancel(msg)` (none without one), stays counted in `cancelling()`, may sleep and await after catching, and returns a value: it ends not cancelled, and its awaiter and a gather see the value.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name):
    me = asyncio.current_task()
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}, cancelling {me.cancelling()}")
        await asyncio.sleep(0.5)
        log(f"{name} slept after catching, cancelling {me.cancelling()}")
        await asyncio.sleep(0)
        return f"{name} stopped"
    return f"{name} finished"


async def main():
    a = asyncio.create_task(worker("a"))
    b = asyncio.create_task(worker("b"))
    c = asyncio.create_task(worker("c"))
    await asyncio.sleep(0.25)
    a.cancel("stop a")
    b.cancel()
    log(f"a cancelling {a.cancelling()}, b cancelling {b.cancelling()}")
    r = await a
    log(f"await a: {r!r}, cancelled {a.cancelled()}, cancelling {a.cancelling()}")
    r = await asyncio.gather(b, c)
    log(f"gather: {r!r}, b cancelled {b.cancelled()}, cancelling {b.cancelling()}")


run(main())
