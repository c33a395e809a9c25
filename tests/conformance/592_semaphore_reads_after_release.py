# Rule 8: Semaphore(1).release() with two waiters: locked() and the value read right after it and at each waiter's turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name):
    async with sem:
        log(f"{name} in value={sem._value} locked={sem.locked()}")
        await asyncio.sleep(0.125)


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    ws = [asyncio.create_task(user(sem, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    sem.release()
    log(f"released value={sem._value} locked={sem.locked()}")
    await asyncio.gather(*ws)
    log(f"end value={sem._value} locked={sem.locked()}")

run(main())