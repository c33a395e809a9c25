# Rules 8, 9 and 11: a BoundedSemaphore(2), a Lock and an Event read while four workers contend: the semaphore's value and locked(), the lock's state, tasks' done(); wait_for(ev.wait(), 1) gives up for the early worker; over-releasing raises ValueError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name, sem, lock, ev, d):
    async with sem:
        log(f"{name} in, sem={sem._value} locked={sem.locked()}")
        await asyncio.sleep(d)
        async with lock:
            log(f"{name} has lock, ev={ev.is_set()}")
            await asyncio.sleep(0.125)
    try:
        await asyncio.wait_for(ev.wait(), 1)
        log(f"{name} saw the event")
    except TimeoutError:
        log(f"{name} gave up on the event, lock={lock.locked()}")


async def main():
    sem = asyncio.BoundedSemaphore(2)
    lock = asyncio.Lock()
    ev = asyncio.Event()
    ts = [asyncio.create_task(worker(f"w{i}", sem, lock, ev, 0.25 * (i + 1))) for i in range(4)]
    await asyncio.sleep(1.5)
    log(f"at 1.5: sem={sem._value} lock={lock.locked()} done={[t.done() for t in ts]}")
    ev.set()
    await asyncio.gather(*ts)
    try:
        sem.release()
    except ValueError as e:
        log(f"ValueError {e}")
    log(f"end sem={sem._value}")


run(main())
