# Rule 7: a task that catches its cancellation around `await t`: the cancellation is forwarded to `t`; when `t` ends cancelled (it caught and re-raised) the waiter catches a CancelledError with the message; when `t` catches it and returns a value, the waiter's `await t` returns that value and nothing is raised in the waiter, whose `cancelling()` still counts the request.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, swallow):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e!r}")
        if swallow:
            return f"{name} value"
        raise
    return f"{name} finished"


async def waiter(t):
    me = asyncio.current_task()
    try:
        r = await t
        log(f"waiter got {r!r}, cancelling {me.cancelling()}")
        return r
    except asyncio.CancelledError as e:
        log(f"waiter caught {e!r}, awaited cancelled {t.cancelled()}")
        await asyncio.sleep(0.25)
        return "waiter stopped"


async def main():
    for name, swallow in (("reraising", False), ("swallowing", True)):
        t = asyncio.create_task(leaf(name, swallow))
        w = asyncio.create_task(waiter(t))
        await asyncio.sleep(0.5)
        w.cancel(f"stop {name}")
        log(f"waiter returned {await w!r}, cancelled {w.cancelled()}, cancelling {w.cancelling()}, {name} cancelling {t.cancelling()}")


run(main())
