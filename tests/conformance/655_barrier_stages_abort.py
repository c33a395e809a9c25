# Rules 9, 6: a staged computation on a Barrier(3): each worker finishes a stage and waits for the others; the last arrival passes first; in the second stage a worker fails and aborts the barrier: the worker waiting gets BrokenBarrierError, a later arrival too; gather(return_exceptions=True) lists the outcome of each.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(b, name, durations):
    for stage, (d, fail) in enumerate(durations):
        await asyncio.sleep(d)
        if fail:
            log(f"{name} fails in stage {stage}, aborting")
            await b.abort()
            raise RuntimeError(name)
        log(f"{name} ends stage {stage}, waiting={b.n_waiting}")
        try:
            i = await b.wait()
        except asyncio.BrokenBarrierError:
            log(f"{name} finds the barrier broken in stage {stage}")
            raise
        log(f"{name} passes stage {stage} as {i}")
    return name


async def main():
    b = asyncio.Barrier(3)
    ws = [
        asyncio.create_task(worker(b, "w0", [(0.125, False), (0.125, False)])),
        asyncio.create_task(worker(b, "w1", [(0.25, False), (0.25, True)])),
        asyncio.create_task(worker(b, "w2", [(0.125, False), (0.375, False)])),
    ]
    r = await asyncio.gather(*ws, return_exceptions=True)
    log(f"results {[x if isinstance(x, str) else type(x).__name__ for x in r]} broken={b.broken}")

run(main())
