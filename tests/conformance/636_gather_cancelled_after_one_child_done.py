# Rules 6, 7: cancelling a gather after one child finished cancels only the other; the gather's awaiter gets CancelledError; the finished child keeps its result.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    a = asyncio.create_task(work("a", 0.125))
    b = asyncio.create_task(work("b", 0.5))
    g = asyncio.gather(a, b)
    await asyncio.sleep(0.25)
    log(f"cancel returns {g.cancel()}")
    try:
        await g
    except asyncio.CancelledError:
        log(f"gather cancelled a={a.result()} b cancelled={b.cancelled()}")

run(main())
