# Rule 12: as_completed with a timeout: two results come in time, then TimeoutError; the late finishers run on and are gathered afterwards in argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} finished")
    return name


async def main():
    ts = [asyncio.create_task(work(n, d)) for n, d in [("a", 0.5), ("b", 0.125), ("c", 1), ("d", 0.25)]]
    got = []
    try:
        for fut in asyncio.as_completed(ts, timeout=0.375):
            got.append(await fut)
            log(f"got {got[-1]}")
    except TimeoutError:
        log(f"timeout after {got}")
    log(f"late done: {[t.done() for t in ts]}")
    rest = await asyncio.gather(*ts)
    log(f"gathered {rest}")

run(main())