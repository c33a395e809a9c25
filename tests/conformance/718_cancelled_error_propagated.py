# Rule 7: a task ended by a CancelledError that propagated out of its coroutine, not by its own cancellation (an awaited future or task cancelled by someone else, a gather failing with a cancelled child): the task ends cancelled (`cancelled()` true, `cancelling()` 0), its awaiter gets the CancelledError with its message once, then `CancelledError()`.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def awaits(label, x):
    log(f"{label} awaits")
    r = await x
    log(f"{label} got {r!r}")
    return r


async def gathers(label, t):
    log(f"{label} gathers")
    r = await asyncio.gather(t)
    log(f"{label} got {r!r}")
    return r


async def sleeper():
    await asyncio.sleep(1)
    return "slept"


async def main():
    f = asyncio.get_running_loop().create_future()
    a = asyncio.create_task(awaits("a", f))
    s = asyncio.create_task(sleeper())
    b = asyncio.create_task(awaits("b", s))
    s2 = asyncio.create_task(sleeper())
    c = asyncio.create_task(gathers("c", s2))
    await asyncio.sleep(0.5)
    f.cancel("future gone")
    s.cancel("sleeper gone")
    s2.cancel("gathered gone")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    for name, t in (("a", a), ("b", b), ("c", c)):
        log(f"{name}: done {t.done()}, cancelled {t.cancelled()}, cancelling {t.cancelling()}")
        for _ in range(2):
            try:
                log(f"{name} returned {await t!r}")
            except asyncio.CancelledError as e:
                log(f"{name} raised {e!r}")


run(main())
