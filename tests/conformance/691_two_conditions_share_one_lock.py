# Rule 9: two Conditions over one Lock (asyncio.Condition(lock)), the classic bounded buffer: producers wait on not_full, consumers on not_empty, and each notify() wakes only the other side; the lock is one, so a task holding it directly shuts out both sides, and locked() reads the same through the lock and both conditions.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


class Buffer:
    def __init__(self, size):
        self.lock = asyncio.Lock()
        self.not_full = asyncio.Condition(self.lock)
        self.not_empty = asyncio.Condition(self.lock)
        self.items = []
        self.size = size

    async def put(self, name, item):
        async with self.not_full:
            while len(self.items) >= self.size:
                log(f"{name} waits, full")
                await self.not_full.wait()
            self.items.append(item)
            log(f"{name} put {item} -> {self.items}, locked={self.lock.locked()}/{self.not_empty.locked()}")
            self.not_empty.notify()

    async def get(self, name):
        async with self.not_empty:
            while not self.items:
                log(f"{name} waits, empty")
                await self.not_empty.wait()
            item = self.items.pop(0)
            log(f"{name} got {item} -> {self.items}")
            self.not_full.notify()
            return item


async def producer(buf, name, items, d):
    for item in items:
        await buf.put(name, item)
        await asyncio.sleep(d)


async def consumer(buf, name, n, d):
    got = []
    for _ in range(n):
        got.append(await buf.get(name))
        await asyncio.sleep(d)
    return got


async def auditor(buf):
    await asyncio.sleep(0.375)
    async with buf.lock:
        log(f"auditor holds the lock, sees {buf.items}, not_full locked={buf.not_full.locked()}")
        await asyncio.sleep(0.125)
        log("auditor leaves")


async def main():
    buf = Buffer(1)
    r = await asyncio.gather(
        consumer(buf, "C1", 3, 0.25),
        producer(buf, "P1", ["a", "b", "c"], 0),
        producer(buf, "P2", ["x", "y"], 0.125),
        consumer(buf, "C2", 2, 0.5),
        auditor(buf),
    )
    log(f"end C1 got {r[0]}, C2 got {r[3]}, locked={buf.lock.locked()}")

run(main())
