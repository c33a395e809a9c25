# Rules 2, 12: wait(timeout=0) returns after one pass with what finished in it; the tasks keep running.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    log(f"{name} starts")
    await asyncio.sleep(delay)
    log(f"{name} ends")
    return name


async def quick(name):
    log(f"{name} returns at once")
    return name


async def main():
    ts = [asyncio.create_task(quick("q")), asyncio.create_task(job("z", 0)),
          asyncio.create_task(job("s", 1))]
    done, pending = await asyncio.wait(ts, timeout=0)
    log(f"done {sorted(t.result() for t in done)} pending {len(pending)}")
    done, pending = await asyncio.wait(pending, timeout=0)
    log(f"again: done {len(done)} pending {len(pending)}")
    await asyncio.gather(*pending)

run(main())
