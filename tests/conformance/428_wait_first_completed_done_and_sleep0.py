# Rules 1, 12: wait(FIRST_COMPLETED) over a finished task and running ones returns at once without yielding; over tasks ending the same pass, all that ended before the caller's turn are done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, spins):
    for _ in range(spins):
        await asyncio.sleep(0)
    log(f"{name} ends")
    return name


async def main():
    f = asyncio.create_task(job("f", 0))
    await asyncio.sleep(0)
    s = asyncio.create_task(job("s", 5))
    done, pending = await asyncio.wait({f, s}, return_when=asyncio.FIRST_COMPLETED)
    log(f"done={len(done)} pending={len(pending)}")
    ts = [asyncio.create_task(job(n, k)) for n, k in (("a", 1), ("b", 1), ("c", 3))]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_COMPLETED)
    log(f"done={sorted(t.result() for t in done)} pending={len(pending)}")
    await asyncio.wait(pending | {s})
    log("end")

run(main())
