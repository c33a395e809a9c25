# Rules 6, 7, 12: hedged requests: three replicas race under as_completed; a failure is skipped, the first success wins and the rest are cancelled; a replica that finished at the winner's instant can no longer be cancelled (cancel() is False) and keeps its result.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def replica(name, d, ok=True):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if not ok:
        log(f"{name} fails")
        raise ConnectionError(name)
    log(f"{name} answers")
    return name


async def hedged(specs):
    tasks = [asyncio.create_task(replica(*s)) for s in specs]
    winner = None
    for fut in asyncio.as_completed(tasks):
        try:
            winner = await fut
            break
        except ConnectionError as e:
            log(f"skip failed {e}")
    log(f"winner {winner}; cancel {[t.cancel() for t in tasks]}")
    await asyncio.gather(*tasks, return_exceptions=True)
    log(f"states {[('cancelled' if t.cancelled() else 'failed' if t.exception() else t.result()) for t in tasks]}")
    return winner


async def main():
    await hedged([("r1", 0.25, False), ("r2", 0.375), ("r3", 0.375), ("r4", 0.5)])
    await hedged([("s1", 0.125, False), ("s2", 0.125, False), ("s3", 0.25)])

run(main())
