# Rules 7, 10 and 11: wait_for's expiry over a bare future cancels it for its other awaiter; two consumers of a bounded PriorityQueue take the smallest items as room frees, give up with wait_for(q.get(), 0.5) once it stays empty, and join() waits for every task_done().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(fut, name):
    try:
        v = await fut
        log(f"{name} got {v}")
    except asyncio.CancelledError:
        log(f"{name} saw CancelledError, fut cancelled={fut.cancelled()}")


async def consumer(q, name):
    while True:
        try:
            item = await asyncio.wait_for(q.get(), 0.5)
        except TimeoutError:
            log(f"{name} idle, qsize={q.qsize()}")
            return
        log(f"{name} took {item}, left {q.qsize()}")
        await asyncio.sleep(0.25)
        q.task_done()


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    w = asyncio.create_task(waiter(f, "w"))
    try:
        await asyncio.wait_for(f, 0.5)
    except TimeoutError:
        log(f"main timed out, f cancelled={f.cancelled()}")
    await w
    q = asyncio.PriorityQueue(maxsize=3)
    cs = [asyncio.create_task(consumer(q, f"c{i}")) for i in range(2)]
    for item in [[5, "e"], [1, "a"], [3, "c"], [2, "b"], [4, "d"]]:
        await q.put(item)
        log(f"put {item}, full={q.full()}")
    await q.join()
    log(f"joined at qsize={q.qsize()}")
    await asyncio.gather(*cs)
    log("end")


run(main())
