# Rules 1, 9, 10: an uncontended Lock acquire, a put on an unbounded Queue and a get with an item waiting return without yielding; a ticker runs only at main's sleep.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ticker():
    log("tick")


async def main():
    lock = asyncio.Lock()
    q = asyncio.Queue()
    k = asyncio.create_task(ticker())
    async with lock:
        log(f"locked={lock.locked()}")
    await q.put(1)
    log(f"put qsize={q.qsize()}")
    log(f"got {await q.get()}")
    log(f"k done={k.done()}")
    await asyncio.sleep(0)
    log(f"k done={k.done()}")

run(main())
