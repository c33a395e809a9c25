# Rule 10 (3.13): Queue.shutdown(immediate=True) wakes blocked getters and putters in blocking order with QueueShutDown, drops the items and releases join.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def getter(q, name):
    try:
        item = await q.get()
        log(f"{name} got {item}")
    except asyncio.QueueShutDown:
        log(f"{name} getter shut down")


async def putter(q, name, item):
    try:
        await q.put(item)
        log(f"{name} put {item}")
    except asyncio.QueueShutDown:
        log(f"{name} putter shut down")


async def main():
    q = asyncio.Queue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(2)]
    await asyncio.sleep(0)
    b = asyncio.Queue(maxsize=1)
    b.put_nowait("x")
    ps = [asyncio.create_task(putter(b, f"p{i}", i)) for i in range(2)]
    j = asyncio.create_task(b.join())
    await asyncio.sleep(0)
    q.shutdown(immediate=True)
    b.shutdown(immediate=True)
    log(f"shut both, b size={b.qsize()}")
    await asyncio.gather(*gs, *ps)
    await j
    log("join released")
    try:
        b.get_nowait()
    except asyncio.QueueShutDown:
        log("get_nowait refused")

run(main())
