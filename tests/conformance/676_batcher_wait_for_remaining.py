# Rules 10, 11: a batcher: it takes the first item with a plain get(), then more with wait_for(get(), remaining) until the batch holds three items or its window of 0.375 s ends; a get() given up at the window's end loses no item, the next batch starts with it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def batcher(q, out):
    loop = asyncio.get_running_loop()
    while True:
        first = await q.get()
        if first is None:
            return
        batch = [first]
        end = loop.time() + 0.375
        while len(batch) < 3:
            remaining = end - loop.time()
            try:
                item = await asyncio.wait_for(q.get(), remaining)
            except TimeoutError:
                log(f"window over with {batch}")
                break
            if item is None:
                q.put_nowait(None)
                break
            batch.append(item)
        log(f"flush {batch}")
        out.append(batch)


async def main():
    q = asyncio.Queue()
    out = []
    b = asyncio.create_task(batcher(q, out))
    for d, item in [(0, 1), (0.125, 2), (0, 3), (0.125, 4), (0.5, 5), (0.125, 6), (0.5, None)]:
        await asyncio.sleep(d)
        q.put_nowait(item)
        log(f"put {item}")
    await b
    log(f"end {out}")

run(main())
