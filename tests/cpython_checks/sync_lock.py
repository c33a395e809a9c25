import asyncio, sys
import os; sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/conformance"))
from vclock import log, run

async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    async def waiter():
        async with lock:
            log("waiter got it")
    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    lock.release()
    log(f"locked={lock.locked()}")
    async with lock:
        log("newcomer got it")
    await w
    # queue hint
    q = asyncio.Queue()
    async def getter():
        item = await q.get()
        log(f"getter got {item}")
    g = asyncio.create_task(getter())
    await asyncio.sleep(0)
    q.put_nowait(1)
    log(f"main took {q.get_nowait()}")
    await asyncio.sleep(0)
    log(f"getter done={g.done()}")
    q.put_nowait(2)
    await g
    # promise callbacks
    fut = asyncio.get_running_loop().create_future()
    async def w1(): log(f"w1 got {await fut}")
    t1 = asyncio.create_task(w1())
    await asyncio.sleep(0)
    fut.add_done_callback(lambda f: log(f"callback got {f.result()}"))
    async def w2(): log(f"w2 got {await fut}")
    t2 = asyncio.create_task(w2())
    await asyncio.sleep(0)
    fut.set_result(7)
    log("set")
    await t1; await t2

run(main())
