# Rules 4, 12: wait(FIRST_EXCEPTION, timeout) where a task fails at the instant the timeout fires: the timer armed first decides; wait's timeout cancels nothing.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")


async def main():
    a = asyncio.create_task(job("a", 1, True))
    b = asyncio.create_task(job("b", 2))
    await asyncio.sleep(0)
    done, pending = await asyncio.wait([a, b], timeout=1, return_when=asyncio.FIRST_EXCEPTION)
    log(f"first: done={len(done)} pending={len(pending)}")
    c = asyncio.create_task(job("c", 1, True))
    done, pending = await asyncio.wait([b, c], timeout=1, return_when=asyncio.FIRST_EXCEPTION)
    log(f"second: done={len(done)} pending={len(pending)} b done={b.done()}")
    await b
    log(f"a failed={a.exception() is not None}")
    await asyncio.gather(c, return_exceptions=True)
    log(f"c failed={c.exception() is not None}")

run(main())
