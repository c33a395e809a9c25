# Rule 12: wait() with timeout=0 returns after one pass (its timer is due at once): tasks created just before take their first step; none is done; nothing is cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work(name, d):
    log(f"{name} starts")
    await asyncio.sleep(d)
    log(f"{name} done")


async def main():
    a = asyncio.create_task(work("a", 0.125))
    b = asyncio.create_task(work("b", 0))
    done, pending = await asyncio.wait([a, b], timeout=0)
    log(f"done={len(done)} pending={len(pending)}")
    done, pending = await asyncio.wait([a, b], timeout=0)
    log(f"done={len(done)} pending={len(pending)} b done={b.done()}")
    await a
    log(f"end a cancelled={a.cancelled()}")

run(main())
