# Rule 11: nested timeout()s: the inner one is rescheduled to the outer one's deadline, so both expire at one instant: the outer raises TimeoutError, the inner lets CancelledError through and both read expired(); cancelling() read inside; rescheduled past the outer, the inner never expires.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def run_case(inner_at):
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    try:
        async with asyncio.timeout(0.5) as outer:
            try:
                async with asyncio.timeout(0.25) as inner:
                    inner.reschedule(t0 + inner_at)
                    log(f"inner when={round(inner.when() * 1000)} outer when={round(outer.when() * 1000)}")
                    await asyncio.sleep(1)
            except TimeoutError:
                log("inner TimeoutError")
            except asyncio.CancelledError:
                log(f"inner lets CancelledError through, cancelling={asyncio.current_task().cancelling()}")
                raise
            finally:
                log(f"inner expired={inner.expired()}")
    except TimeoutError:
        log(f"outer TimeoutError, outer expired={outer.expired()} cancelling={asyncio.current_task().cancelling()}")


async def main():
    await run_case(0.5)
    await run_case(0.75)
    await run_case(0.375)
    log("end")

run(main())
