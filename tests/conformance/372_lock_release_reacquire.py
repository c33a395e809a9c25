# Rule 9: a Lock holder releases and asks again at once: it queues behind the waiters; the first waiter is woken and runs before it; locked() stays True throughout.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(lock, name, rounds):
    for r in range(rounds):
        async with lock:
            log(f"{name} round {r}")
            await asyncio.sleep(0.25)


async def main():
    lock = asyncio.Lock()
    ts = [asyncio.create_task(worker(lock, n, 2)) for n in ("x", "y", "z")]
    await asyncio.sleep(0.3)
    log(f"locked={lock.locked()}")
    await asyncio.gather(*ts)
    log(f"locked={lock.locked()}")

run(main())
