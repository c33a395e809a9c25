# Rules 6, 7: gather raises the first failure; the caller then cancels the still-running children itself.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def job(name, d, fail=False):
    try:
        await asyncio.sleep(d)
        if fail:
            raise ValueError(name)
        log(f"{name} done")
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    ts = [asyncio.create_task(job("a", 0.125)), asyncio.create_task(job("b", 0.25, True)), asyncio.create_task(job("c", 0.5)), asyncio.create_task(job("d", 0.375))]
    try:
        await asyncio.gather(*ts)
    except ValueError as e:
        log(f"gather raised {e}")
        for t in ts:
            if not t.done():
                t.cancel()
    res = await asyncio.gather(*ts, return_exceptions=True)
    log(repr(res))

run(main())
