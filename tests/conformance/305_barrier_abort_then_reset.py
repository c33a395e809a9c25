# Rule 9: an aborted Barrier stays broken until reset(); after reset a full round passes, the last arrival first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed as {i}")
        return i
    except asyncio.BrokenBarrierError:
        log(f"{name}: broken")
        return -1


async def main():
    b = asyncio.Barrier(2)
    t = asyncio.create_task(party(b, "early"))
    await asyncio.sleep(0.5)
    await b.abort()
    log(f"aborted: broken={b.broken}")
    await t
    log(f"late gets {await party(b, 'late')}")
    await b.reset()
    log(f"reset: broken={b.broken}")
    r = await asyncio.gather(party(b, "x"), party(b, "y"))
    log(f"indices {r}")

run(main())
