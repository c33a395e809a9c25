# Rule 9: a bounded buffer on one Condition: producers wait while full, consumers while empty, notify_all wakes everyone to re-check.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def producer(cond, buf, name, items):
    for item in items:
        async with cond:
            await cond.wait_for(lambda: len(buf) < 2)
            buf.append(item)
            log(f"{name} put {item} -> {buf}")
            cond.notify_all()
        await asyncio.sleep(0.25)


async def consumer(cond, buf, name, n):
    for _ in range(n):
        async with cond:
            await cond.wait_for(lambda: buf)
            item = buf.pop(0)
            log(f"{name} took {item}")
            cond.notify_all()
        await asyncio.sleep(0.5)


async def main():
    cond = asyncio.Condition()
    buf = []
    await asyncio.gather(
        producer(cond, buf, "P1", ["a", "b", "c"]),
        producer(cond, buf, "P2", ["x", "y", "z"]),
        consumer(cond, buf, "C1", 3),
        consumer(cond, buf, "C2", 3),
    )
    log(f"left {buf}")


run(main())
