# Rule 12: wait(FIRST_EXCEPTION): returns when a task raises; the rest are cancelled by hand and gathered with return_exceptions.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def step(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} raises")
        raise KeyError(name)
    log(f"{name} ok")
    return name


async def main():
    ts = [asyncio.create_task(step("p", 0.5)), asyncio.create_task(step("q", 1, fail=True)), asyncio.create_task(step("r", 3))]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    log(f"done={len(done)} pending={len(pending)}")
    for t in ts:
        if t in done and t.exception() is not None:
            log(f"failed with {t.exception()!r}")
    for t in ts:
        if t in pending:
            t.cancel()
    res = await asyncio.gather(*ts, return_exceptions=True)
    log(f"final {[type(x).__name__ for x in res]}")
    done, pending = await asyncio.wait([asyncio.create_task(step("s", 2))], timeout=1, return_when=asyncio.FIRST_EXCEPTION)
    log(f"timeout: done={len(done)} pending={len(pending)}")
    await asyncio.wait(pending)
    log("end")


run(main())
