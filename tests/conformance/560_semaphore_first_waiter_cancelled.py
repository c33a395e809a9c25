# Rules 7, 8: Semaphore(1) with three waiters; the first is cancelled before the release: the permit goes to the second; a newcomer after the release queues behind the third.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name):
    try:
        async with sem:
            log(f"{name} in")
            await asyncio.sleep(0.125)
            log(f"{name} out")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    ws = [asyncio.create_task(user(sem, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0)
    ws[0].cancel()
    await asyncio.sleep(0)
    sem.release()
    late = asyncio.create_task(user(sem, "late"))
    log(f"released locked={sem.locked()}")
    await asyncio.gather(*ws[1:], late)
    log(f"end value={sem._value}")

run(main())