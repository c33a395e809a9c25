# Rules 5, 8, 9, 10: a Lock released, a Semaphore released, an Event set and a Queue fed from call_soon/call_later callbacks wake their waiters one slot later, in the order the callbacks ran.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    sem = asyncio.Semaphore(0)
    ev = asyncio.Event()
    q = asyncio.Queue()
    await lock.acquire()

    async def on_lock():
        async with lock:
            log("lock waiter in")

    async def on_sem():
        async with sem:
            log("sem waiter in")

    async def on_ev():
        await ev.wait()
        log("event waiter in")

    async def on_q():
        log(f"queue waiter got {await q.get()}")

    ts = [asyncio.create_task(c()) for c in (on_q, on_ev, on_sem, on_lock)]
    await asyncio.sleep(0)
    loop.call_later(1, lock.release)
    loop.call_later(1, sem.release)
    loop.call_later(1, ev.set)
    loop.call_later(1, q.put_nowait, "x")
    await asyncio.gather(*ts)
    log("all in")

run(main())
