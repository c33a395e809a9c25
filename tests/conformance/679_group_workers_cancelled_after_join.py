# Rules 10, 12: the producer/consumer shape in a TaskGroup: the body fills a queue, awaits join(), then cancels the workers; cancelled children are not failures, so the group exits normally once they have unwound; each worker's cancellation is seen in its get().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, name, d, done):
    try:
        while True:
            item = await q.get()
            await asyncio.sleep(d)
            done.append(item)
            log(f"{name} did {item}")
            q.task_done()
    except asyncio.CancelledError:
        log(f"{name} cancelled while idle, qsize={q.qsize()}")
        raise


async def main():
    q = asyncio.Queue()
    done = []
    async with asyncio.TaskGroup() as tg:
        ws = [tg.create_task(worker(q, f"w{i}", d, done)) for i, d in enumerate([0.125, 0.25])]
        for i in range(5):
            await q.put(i)
        log(f"queued, qsize={q.qsize()}")
        await q.join()
        log("joined, cancelling workers")
        for w in ws:
            w.cancel()
        log("body ends")
    log(f"group exited, done={done} cancelled={[w.cancelled() for w in ws]}")

run(main())
