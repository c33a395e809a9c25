# Rules 6, 7: gather(return_exceptions=True) where children are cancelled with and without a message and one fails: each listed at its place; the gather's caller is not cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ArithmeticError(name)
    log(f"{name} done")
    return name


async def main():
    ts = [asyncio.create_task(job("a", 1)),
          asyncio.create_task(job("b", 2)),
          asyncio.create_task(job("c", 2)),
          asyncio.create_task(job("d", 0.5, True))]
    loop = asyncio.get_running_loop()
    loop.call_later(1.5, ts[1].cancel, "stop b")
    loop.call_later(1.5, ts[2].cancel)
    res = await asyncio.gather(*ts, return_exceptions=True)
    log(f"results {[type(r).__name__ if isinstance(r, BaseException) else r for r in res]}")
    log(f"cancelled {[t.cancelled() for t in ts]}")

run(main())
