# Rules 8, 11, 12: wait_for(shield(sem.acquire())) expires: the caller gets TimeoutError but the shielded acquire stays in line and later takes the permit, which nobody releases; a plain wait_for(acquire()) leaves the line instead, so the next waiter gets the permit.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(sem, d):
    async with sem:
        await asyncio.sleep(d)
    log(f"holder released, value={sem._value}")


async def main():
    sem = asyncio.Semaphore(1)
    h = asyncio.create_task(holder(sem, 0.25))
    await asyncio.sleep(0)
    inner = asyncio.ensure_future(sem.acquire())
    try:
        await asyncio.wait_for(asyncio.shield(inner), 0.125)
    except TimeoutError:
        log(f"shielded wait timed out, inner done={inner.done()}")
    await h
    await asyncio.sleep(0)
    log(f"inner done={inner.done()} value={sem._value} locked={sem.locked()}")
    sem.release()
    h2 = asyncio.create_task(holder(sem, 0.25))
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(sem.acquire(), 0.125)
    except TimeoutError:
        log(f"plain wait timed out, value={sem._value}")
    await h2
    log(f"end value={sem._value} locked={sem.locked()}")

run(main())
