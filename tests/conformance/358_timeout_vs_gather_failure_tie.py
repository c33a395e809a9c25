# Rules 6, 11: a timeout over a gather whose child fails exactly at the deadline: the timeout, armed first, wins; the failure is not seen.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    try:
        async with asyncio.timeout(1):
            await asyncio.gather(job("a", 1, fail=True), job("b", 2))
    except TimeoutError:
        log("timed out")
    except ValueError as e:
        log(f"ValueError {e}")
    try:
        r = await asyncio.wait_for(asyncio.gather(job("c", 0.5), job("d", 1)), 1)
        log(f"gather gave {r}")
    except TimeoutError:
        log("wait_for timed out")

run(main())
