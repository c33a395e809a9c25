# Rules 10, 11: timeout() around q.join(): the expiry cancels only the joiner, the workers go on; unfinished count read; a second join() waits for the rest and returns after the last task_done().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, name):
    while True:
        item = await q.get()
        await asyncio.sleep(item)
        log(f"{name} finished {item}")
        q.task_done()


async def main():
    q = asyncio.Queue()
    for item in [0.25, 0.5, 0.125, 0.375]:
        q.put_nowait(item)
    ws = [asyncio.create_task(worker(q, f"w{i}")) for i in range(2)]
    try:
        async with asyncio.timeout(0.5):
            await q.join()
    except TimeoutError:
        log(f"join timed out, qsize={q.qsize()} unfinished={q._unfinished_tasks}")
    await q.join()
    log(f"joined, unfinished={q._unfinished_tasks}")
    for w in ws:
        w.cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    log("end")

run(main())
