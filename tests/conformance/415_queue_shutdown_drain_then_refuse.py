# Rule 10 (3.13): after shutdown() (not immediate) getters drain the items left, then see QueueShutDown; a blocked putter is refused at once; join waits for the drained items' task_done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, name):
    while True:
        try:
            item = await q.get()
        except asyncio.QueueShutDown:
            log(f"{name} done")
            return
        log(f"{name} takes {item}")
        await asyncio.sleep(0.25)
        q.task_done()


async def main():
    q = asyncio.Queue(maxsize=2)
    q.put_nowait(1)
    q.put_nowait(2)

    async def late():
        try:
            await q.put(3)
            log("late put 3")
        except asyncio.QueueShutDown:
            log("late putter refused")

    p = asyncio.create_task(late())
    await asyncio.sleep(0)
    q.shutdown()
    log(f"shut, size={q.qsize()}")
    ws = [asyncio.create_task(worker(q, f"w{i}")) for i in range(2)]
    await q.join()
    log("joined")
    await asyncio.gather(p, *ws)
    log("end")

run(main())
