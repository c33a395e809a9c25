# Rule 7: a gather whose outer future is cancelled: the cancellation is forwarded to its children; a child that catches it and returns a value still leaves the gather raising CancelledError to its caller (the outer future's cancel was requested: `_cancel_requested`), for one child as for two; with return_exceptions too. The child gets the message, the caller `CancelledError()`.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, clean):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}")
        if clean:
            await asyncio.sleep(clean)
        return f"{name} value"
    return f"{name} finished"


async def gatherer(label, coros, **kw):
    try:
        r = await asyncio.gather(*coros, **kw)
        log(f"{label} got {r!r}")
        return "returned"
    except asyncio.CancelledError as e:
        log(f"{label} caught {e!r}, cancelling {asyncio.current_task().cancelling()}")
        return "stopped"


async def main():
    shapes = (
        ("one", lambda: [child("a", 0)], {}),
        ("one task", lambda: [asyncio.create_task(child("b", 0.25))], {}),
        ("two", lambda: [child("c", 0), child("d", 0.25)], {}),
        ("one, return_exceptions", lambda: [child("e", 0)], {"return_exceptions": True}),
    )
    for label, make, kw in shapes:
        g = asyncio.create_task(gatherer(label, make(), **kw))
        await asyncio.sleep(0.5)
        g.cancel(f"stop {label}")
        log(f"{label}: {await g!r}, cancelled {g.cancelled()}")


run(main())
