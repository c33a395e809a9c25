# Rules 6, 7: Task.exception() and result() after a failure; an exception nobody awaits is still there; a failing task awaited twice raises twice.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def broken(delay):
    await asyncio.sleep(delay)
    log("broken raises")
    raise ZeroDivisionError("division by zero")


async def main():
    t = asyncio.create_task(broken(0.5))
    await asyncio.sleep(1)
    log(f"done={t.done()} exception={t.exception()!r}")
    for attempt in range(2):
        try:
            await t
        except ZeroDivisionError as e:
            log(f"await {attempt} raised {e}")
    ok = asyncio.create_task(asyncio.sleep(0.25, result="fine"))
    await asyncio.wait([ok])
    log(f"ok exception={ok.exception()} result={ok.result()}")


run(main())
