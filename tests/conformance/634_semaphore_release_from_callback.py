# Rules 5, 8: a Semaphore released by call_soon and call_later callbacks hands the permit to the first waiter each time; a waiter that asks after the release queues behind.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def user(sem, name):
    await sem.acquire()
    log(f"{name} in")


async def main():
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(0)
    ws = [asyncio.create_task(user(sem, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    loop.call_soon(sem.release)
    loop.call_later(0.125, sem.release)
    late = asyncio.create_task(user(sem, "late"))
    await asyncio.sleep(0.125)
    log(f"late done={late.done()} value={sem._value}")
    sem.release()
    await asyncio.gather(*ws, late)
    log(f"end value={sem._value}")

run(main())
