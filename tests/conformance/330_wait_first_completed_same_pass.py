# Rules 5, 12: wait(FIRST_COMPLETED) when two tasks end in the same pass returns both as done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} finished")
    return name


async def main():
    ts = [asyncio.create_task(job(n, d)) for n, d in [("a", 1), ("b", 1), ("c", 2)]]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_COMPLETED)
    log(f"done {sorted(t.result() for t in done)} pending {len(pending)}")
    done, pending = await asyncio.wait(pending, timeout=0.5)
    log(f"after 0.5: done {len(done)} pending {len(pending)}")
    done, pending = await asyncio.wait(pending)
    log(f"all: done {sorted(t.result() for t in done)}")

run(main())
