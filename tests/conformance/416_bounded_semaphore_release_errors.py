# Rule 8: BoundedSemaphore over-release raises ValueError and changes nothing, even with waiters; a plain Semaphore released while waiters queue hands the permits over in order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, hold):
    await sem.acquire()
    log(f"{name} in, locked={sem.locked()}")
    await asyncio.sleep(hold)
    try:
        sem.release()
        log(f"{name} out")
    except ValueError as e:
        log(f"{name} release failed: {e}")


async def main():
    b = asyncio.BoundedSemaphore(1)
    try:
        b.release()
    except ValueError as e:
        log(f"over-release: {e}")
    ts = [asyncio.create_task(user(b, f"u{i}", 0.5)) for i in range(3)]
    await asyncio.sleep(0.25)
    b.release()
    log(f"extra release with waiters accepted, locked={b.locked()}")
    await asyncio.gather(*ts)
    s = asyncio.Semaphore(0)
    vs = [asyncio.create_task(user(s, f"v{i}", 0.25)) for i in range(3)]
    await asyncio.sleep(0)
    s.release()
    s.release()
    log(f"released twice, locked={s.locked()}")
    await asyncio.sleep(0.5)
    s.release()
    await asyncio.gather(*vs)
    log(f"end locked={s.locked()}")

run(main())
