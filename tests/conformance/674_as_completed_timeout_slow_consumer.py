# Rules 11, 12: as_completed with a timeout and a consumer that sleeps after each result: the deadline counts from the call, results finished before it are still yielded after it passes, the first await after the deadline with nothing finished raises TimeoutError; the caller cancels what is left.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    ts = [asyncio.create_task(job(n, d, f)) for n, d, f in [("a", 0.125, False), ("b", 0.25, True), ("c", 0.375, False), ("d", 1.0, False)]]
    got = []
    try:
        for fut in asyncio.as_completed(ts, timeout=0.5):
            try:
                got.append(await fut)
                log(f"consumed {got[-1]}")
            except ValueError as e:
                log(f"consumed failure {e}")
            await asyncio.sleep(0.25)
    except TimeoutError:
        log(f"TimeoutError, got={got}")
    left = [t for t in ts if not t.done()]
    for t in left:
        t.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    log(f"end cancelled={[t.cancelled() for t in ts]}")

run(main())
