# Rule 10 (3.13): Queue.shutdown(): a put after it raises QueueShutDown, the items left are still taken, then a blocked getter raises QueueShutDown; shutdown(immediate=True) drops the items and releases join().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    while True:
        try:
            item = await q.get()
        except asyncio.QueueShutDown:
            log(f"{name}: QueueShutDown, qsize={q.qsize()}")
            return
        log(f"{name} got {item}")
        q.task_done()


async def joiner(q):
    await q.join()
    log(f"join returned, qsize={q.qsize()}")


async def main():
    q = asyncio.Queue()
    g = asyncio.create_task(getter(q, "g"))
    await q.put("a")
    await asyncio.sleep(0.25)
    q.put_nowait("b")
    q.put_nowait("c")
    q.shutdown()
    log(f"shut down with {q.qsize()} left")
    try:
        q.put_nowait("d")
    except asyncio.QueueShutDown:
        log("put after shutdown: QueueShutDown")
    await g
    q2 = asyncio.Queue()
    for i in range(3):
        q2.put_nowait(i)
    j = asyncio.create_task(joiner(q2))
    await asyncio.sleep(0)
    q2.shutdown(immediate=True)
    log(f"immediate: qsize={q2.qsize()} empty={q2.empty()}")
    await j
    try:
        await q2.get()
    except asyncio.QueueShutDown:
        log("get after immediate shutdown: QueueShutDown")


run(main())
