# Rules 7, 8, 9 and 10: reading primitives' state while tasks use them: Lock.locked(), Semaphore.locked() and its value, Event.is_set(), a Queue's qsize()/empty()/full()/maxsize, Task.done()/cancelled().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def holder(lock, sem, name):
    async with lock:
        log(f"{name} holds the lock, locked={lock.locked()}")
        await asyncio.sleep(0.25)
    async with sem:
        log(f"{name} in the semaphore, value={sem._value} locked={sem.locked()}")
        await asyncio.sleep(0.625)


async def watcher(ev):
    log(f"watcher sees set={ev.is_set()}")
    await ev.wait()
    log(f"watcher woke, set={ev.is_set()}")


async def sleeper():
    await asyncio.sleep(10)


async def main():
    lock, sem, ev = asyncio.Lock(), asyncio.Semaphore(2), asyncio.Event()
    q = asyncio.Queue(maxsize=2)
    log(f"start: lock={lock.locked()} sem={sem._value}/{sem.locked()} event={ev.is_set()}")
    log(f"queue: qsize={q.qsize()} empty={q.empty()} full={q.full()} maxsize={q.maxsize}")
    hs = [asyncio.create_task(holder(lock, sem, f"h{i}")) for i in range(3)]
    w = asyncio.create_task(watcher(ev))
    await asyncio.sleep(0)
    log(f"h0 has the lock: {lock.locked()}, w done={w.done()}")
    await asyncio.sleep(0.375)
    log(f"at 375: lock={lock.locked()} sem={sem._value}/{sem.locked()}")
    await asyncio.sleep(0.5)
    log(f"at 875: lock={lock.locked()} sem={sem._value}/{sem.locked()}")
    ev.set()
    log(f"set: {ev.is_set()}, w done={w.done()}")
    await q.put("a")
    log(f"one item: qsize={q.qsize()} empty={q.empty()} full={q.full()}")
    await q.put("b")
    log(f"two items: qsize={q.qsize()} full={q.full()}")
    await asyncio.gather(*hs)
    s = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    log(f"sleeper done={s.done()} cancelled={s.cancelled()}")
    s.cancel()
    log(f"cancel asked: done={s.done()} cancelled={s.cancelled()}")
    await asyncio.sleep(0)
    log(f"sleeper done={s.done()} cancelled={s.cancelled()}, w done={w.done()} cancelled={w.cancelled()}")


run(main())
