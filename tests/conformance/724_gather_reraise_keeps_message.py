# Rule 7: a task awaiting a gather of one task is cancelled with a message; the cancellation is forwarded to the gathered task, which catches it and re-raises it; the gather's callback retrieves that task's CancelledError (with the message) and fails with it, and the awaiting task's `except CancelledError` catches it and re-raises it too: it ends with the message, which the first retrieval of its own CancelledError (here through `shield`) gets.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

H = {}


async def leaf(f):
    c = asyncio.current_task().cancelling()
    try:
        v = await f
        log(f"leaf got {v}")
    except asyncio.CancelledError as e:
        log(f"leaf caught {e!r}")
        if asyncio.current_task().cancelling() > c:
            raise
        log("leaf swallowed it")


async def gatherer():
    c = asyncio.current_task().cancelling()
    try:
        r = await asyncio.gather(H["leaf"])
        log(f"gatherer got {r}")
    except asyncio.CancelledError as e:
        log(f"gatherer caught {e!r}")
        if asyncio.current_task().cancelling() > c:
            raise
        log("gatherer swallowed it")


async def canceller():
    H["gatherer"].cancel("from canceller")
    await asyncio.sleep(0)


async def main():
    f = asyncio.get_running_loop().create_future()
    H["leaf"] = asyncio.create_task(leaf(f))
    H["gatherer"] = g = asyncio.create_task(gatherer())
    r = await asyncio.gather(canceller(), return_exceptions=True)
    log(f"canceller {r}")
    try:
        log(f"shield got {await asyncio.shield(g)}")
    except asyncio.CancelledError as e:
        log(f"main caught {e!r}")
    try:
        await g
    except asyncio.CancelledError as e:
        log(f"main caught {e!r} again")
    log(f"leaf cancelled {H['leaf'].cancelled()}, gatherer cancelled {g.cancelled()}")


run(main())
