# Rules 6, 8: gather with a concurrency limit, the usual helper: each job runs under async with Semaphore(2); jobs start in argument order as permits free up; one job fails, gather raises its error at once while the others run on and keep taking permits; results of a second, clean run come back in argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def limited(sem, name, d, fail=False):
    async with sem:
        log(f"{name} starts")
        await asyncio.sleep(d)
        if fail:
            log(f"{name} fails")
            raise ValueError(name)
        log(f"{name} ends")
        return name


async def main():
    sem = asyncio.Semaphore(2)
    specs = [("a", 0.25, False), ("b", 0.125, False), ("c", 0.125, True), ("d", 0.25, False), ("e", 0.125, False)]
    try:
        await asyncio.gather(*(limited(sem, n, d, f) for n, d, f in specs))
    except ValueError as e:
        log(f"gather raised ValueError({e}), locked={sem.locked()}")
    await asyncio.sleep(0.5)
    log(f"others ran on, locked={sem.locked()}")
    r = await asyncio.gather(*(limited(sem, n, d) for n, d, _ in specs))
    log(f"second run {r}")

run(main())
