# Rule 10: Queue.shutdown (3.13): a blocked getter gets QueueShutDown once the queue drains; put after shutdown fails; immediate shutdown drops items.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(q, name):
    while True:
        try:
            item = await q.get()
        except asyncio.QueueShutDown:
            log(f"{name} sees shutdown")
            return
        log(f"{name} got {item}")
        await asyncio.sleep(0.5)
        q.task_done()


async def main():
    q = asyncio.Queue()
    cs = [asyncio.create_task(consumer(q, f"c{i}")) for i in range(2)]
    for i in range(3):
        q.put_nowait(i)
    await asyncio.sleep(0.25)
    q.shutdown()
    log("shut down")
    try:
        q.put_nowait(9)
    except asyncio.QueueShutDown:
        log("put refused")
    await asyncio.gather(*cs)
    q2 = asyncio.Queue()
    for i in range(3):
        q2.put_nowait(i)
    j = asyncio.create_task(q2.join())
    await asyncio.sleep(0)
    q2.shutdown(immediate=True)
    await j
    log(f"immediate: size={q2.qsize()} joined")


run(main())
