# Rules 8, 9: Semaphore(0) as a signal: waiters queue in order; each release wakes the first, a release with nobody waiting is banked for the next acquire, which does not yield.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(sem, name):
    await sem.acquire()
    log(f"{name} signalled")


async def main():
    sem = asyncio.Semaphore(0)
    ws = [asyncio.create_task(waiter(sem, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0.5)
    sem.release()
    log("released once")
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    sem.release()
    log(f"released three more, value={sem._value}")
    await asyncio.gather(*ws)
    log(f"value={sem._value}")
    await sem.acquire()
    log(f"banked permit taken without yielding, value={sem._value}")

run(main())
