# Rule 12: wait(ALL_COMPLETED) over tasks one of which raises in its first step: all done at the last end, the failure kept.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick():
    raise ValueError("at once")


async def slow(d):
    await asyncio.sleep(d)
    log(f"slow {d} ends")
    return d


async def main():
    ts = [asyncio.create_task(slow(0.25)), asyncio.create_task(quick()), asyncio.create_task(slow(0.5))]
    done, pending = await asyncio.wait(ts)
    log(f"done {len(done)} pending {len(pending)}")
    log(f"results {[t.result() if t.exception() is None else repr(t.exception()) for t in ts]}")

run(main())
