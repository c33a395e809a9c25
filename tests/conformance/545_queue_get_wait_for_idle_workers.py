# Rules 10, 11: workers wait for items with wait_for(q.get(), 0.25) and exit when idle; late items go to whoever waits.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def worker(q, name):
    while True:
        try:
            item = await asyncio.wait_for(q.get(), 0.25)
        except TimeoutError:
            log(f"{name} idle, exits")
            return
        log(f"{name} got {item}")
        await asyncio.sleep(0.125)


async def main():
    q = asyncio.Queue()
    ws = [asyncio.create_task(worker(q, f"w{i}")) for i in range(2)]
    for i in range(3):
        await asyncio.sleep(0.125)
        q.put_nowait(i)
    await asyncio.gather(*ws)
    log(f"left {q.qsize()}")

run(main())
