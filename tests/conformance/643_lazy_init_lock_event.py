# Rules 1, 9: lazy initialisation: callers race for a Lock, the first initialises (sleeping) while the others queue and re-check the flag under the lock; an Event lets a reader skip the lock; once set, a get neither takes the lock nor yields.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


class Resource:
    def __init__(self):
        self.lock = asyncio.Lock()
        self.ready = asyncio.Event()
        self.value = None

    async def get(self, name):
        if self.ready.is_set():
            log(f"{name} fast path")
            return self.value
        async with self.lock:
            if self.value is None:
                log(f"{name} initialises")
                await asyncio.sleep(0.25)
                self.value = "conn"
                self.ready.set()
                log(f"{name} initialised")
            else:
                log(f"{name} finds it ready under the lock")
        return self.value


async def reader(r):
    await r.ready.wait()
    log(f"reader sees {r.value}, locked={r.lock.locked()}")


async def ticker():
    log("tick")


async def main():
    r = Resource()
    rd = asyncio.create_task(reader(r))
    ws = [asyncio.create_task(r.get(f"w{i}")) for i in range(3)]
    await asyncio.sleep(0)
    log(f"locked={r.lock.locked()} set={r.ready.is_set()}")
    log(f"results {await asyncio.gather(*ws)}")
    t = asyncio.create_task(ticker())
    v = await r.get("main")
    log(f"main got {v} before the tick")
    await t
    await rd

run(main())
