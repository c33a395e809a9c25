# Rules 11, 12: wait_for(shield(t)) where t fails before the deadline raises t's error; where it fails after the deadline, the caller gets TimeoutError and t's error is read later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} fails")
    raise ConnectionError(name)


async def main():
    t = asyncio.create_task(job("early", 0.5))
    try:
        await asyncio.wait_for(asyncio.shield(t), 1)
    except ConnectionError as e:
        log(f"caller got ConnectionError {e}")
    u = asyncio.create_task(job("late", 2))
    try:
        await asyncio.wait_for(asyncio.shield(u), 1)
    except TimeoutError:
        log(f"caller timed out, u done={u.done()}")
    await asyncio.sleep(1.5)
    log(f"u done={u.done()} exception={u.exception()!r}")

run(main())
