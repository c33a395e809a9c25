# Rules 1, 10: the lectures' worker pool: workers stop on a None sentinel; the results come back in the order the work ended.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name, q, results):
    while True:
        job = await q.get()
        if job is None:
            log(f"{name} stops")
            q.task_done()
            break
        await asyncio.sleep(job)
        results.append((name, job))
        log(f"{name} did {job}")
        q.task_done()


async def main():
    q = asyncio.Queue()
    results = []
    for job in [0.5, 0.25, 0.75, 0.25, 0.5]:
        q.put_nowait(job)
    workers = [asyncio.create_task(worker(f"w{i}", q, results)) for i in range(2)]
    for _ in workers:
        q.put_nowait(None)
    await q.join()
    log(f"joined: {results}")
    await asyncio.gather(*workers)

run(main())
