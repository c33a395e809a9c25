# Rules 7, 8: cancellation during async with Semaphore(2): a holder cancelled inside the body gives its permit to the first waiter left, a waiter cancelled in the same step leaves the line, a waiter cancelled at the instant permits are released leaves it too; locked() read at each point.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, hold):
    try:
        async with sem:
            log(f"{name} in, locked={sem.locked()}")
            await asyncio.sleep(hold)
        log(f"{name} out")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={sem.locked()}")
        raise


async def main():
    sem = asyncio.Semaphore(2)
    ts = {n: asyncio.create_task(user(sem, n, h)) for n, h in [("h1", 0.5), ("h2", 0.25), ("w1", 0.125), ("w2", 0.125), ("w3", 0.125), ("w4", 0.125)]}
    await asyncio.sleep(0.125)
    ts["w1"].cancel()
    ts["h1"].cancel()
    log(f"cancelled h1 and w1, locked={sem.locked()}")
    await asyncio.sleep(0)
    log(f"after one pass, locked={sem.locked()}")
    await asyncio.sleep(0.125)
    ts["w4"].cancel()
    log(f"cancelled w4 at the release instant, locked={sem.locked()}")
    r = await asyncio.gather(*ts.values(), return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]} locked={sem.locked()}")

run(main())
