# Rules 7, 12: wait(FIRST_EXCEPTION) over tasks where one task cancels a sibling: the cancelled task completes the set but does not end the wait; the first real failure does, and the rest stay pending; a second wait(FIRST_EXCEPTION) on the pending ones runs to the end.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        log(f"{name} fails")
        raise RuntimeError(name)
    log(f"{name} done")
    return name


async def canceller(victim, d):
    await asyncio.sleep(d)
    log(f"canceller cancels, cancel() -> {victim.cancel()}")
    return "canceller"


def names(ts, by):
    return sorted(by[t] for t in ts)


async def main():
    v = asyncio.create_task(job("victim", 1.0))
    ts = {v: "victim"}
    ts[asyncio.create_task(canceller(v, 0.125))] = "canceller"
    ts[asyncio.create_task(job("f", 0.375, True))] = "f"
    ts[asyncio.create_task(job("g", 0.5))] = "g"
    ts[asyncio.create_task(job("h", 0.625, True))] = "h"
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    log(f"first wait done={names(done, ts)} pending={names(pending, ts)} victim cancelled={v.cancelled()}")
    done2, pending2 = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
    log(f"second wait done={names(done2, ts)} pending={names(pending2, ts)}")
    for t in sorted(done | done2, key=lambda t: ts[t]):
        if t.cancelled():
            log(f"{ts[t]} cancelled")
        elif t.exception():
            log(f"{ts[t]} raised {t.exception()!r}")
        else:
            log(f"{ts[t]} -> {t.result()}")

run(main())
