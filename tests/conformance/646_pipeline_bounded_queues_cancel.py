# Rules 7, 10, 11: a three-stage pipeline on bounded queues (maxsize 1): the source is cancelled while blocked in put(); the middle stage reads with wait_for(get(), idle) and stops when idle; the sink counts what arrived; nothing is lost between the stages.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def source(out):
    n = 0
    try:
        while True:
            n += 1
            await out.put(n)
            log(f"source put {n}")
    except asyncio.CancelledError:
        log(f"source cancelled while putting {n}, qsize={out.qsize()}")
        raise


async def middle(inp, out):
    while True:
        try:
            x = await asyncio.wait_for(inp.get(), 0.5)
        except TimeoutError:
            log("middle idle, stops")
            await out.put(None)
            return
        await asyncio.sleep(0.125)
        await out.put(x * 10)
        log(f"middle passed {x * 10}")


async def sink(inp):
    got = []
    while True:
        x = await inp.get()
        if x is None:
            log(f"sink got {got}")
            return got
        got.append(x)
        await asyncio.sleep(0.25)


async def main():
    a, b = asyncio.Queue(1), asyncio.Queue(1)
    s = asyncio.create_task(source(a))
    m = asyncio.create_task(middle(a, b))
    k = asyncio.create_task(sink(b))
    await asyncio.sleep(0.625)
    s.cancel()
    got = await k
    await m
    log(f"end: {len(got)} items, a.qsize={a.qsize()} b.qsize={b.qsize()} source cancelled={s.cancelled()}")

run(main())
