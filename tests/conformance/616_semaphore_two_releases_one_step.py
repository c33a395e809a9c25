# Rule 8: Semaphore(0) with three waiters: two releases in one step wake the first two in order; the third waits for the next release; the value stays 0.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def user(sem, name):
    await sem.acquire()
    log(f"{name} in value={sem._value}")


async def main():
    sem = asyncio.Semaphore(0)
    ws = [asyncio.create_task(user(sem, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    log(f"two released value={sem._value}")
    await asyncio.sleep(0.125)
    log(f"w2 done={ws[2].done()}")
    sem.release()
    await asyncio.gather(*ws)
    log(f"end value={sem._value}")

run(main())
