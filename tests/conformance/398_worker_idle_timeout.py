# Rules 10, 11: workers that stop after an idle wait_for(q.get(), 1): items put at irregular times go to the waiting workers in turn; a get given up by its timeout loses no item.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, name):
    while True:
        try:
            item = await asyncio.wait_for(q.get(), 1)
        except TimeoutError:
            log(f"{name} idle, stops")
            return
        log(f"{name} took {item}")
        await asyncio.sleep(0.25)
        q.task_done()


async def main():
    q = asyncio.Queue()
    ws = [asyncio.create_task(worker(q, f"w{i}")) for i in range(2)]
    for delay, item in [(0, "a"), (0.5, "b"), (0, "c"), (0.75, "d"), (1, "e")]:
        await asyncio.sleep(delay)
        q.put_nowait(item)
        log(f"put {item}")
    await asyncio.gather(*ws)
    log(f"left qsize={q.qsize()} unfinished={q._unfinished_tasks}")

run(main())
