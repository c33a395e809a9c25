# Rule 9: Condition.notify(n) wakes the n longest waiters; two notify(2) in one hold wake four; each re-takes the lock in turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    async with cond:
        log(f"{name} waits")
        await cond.wait()
        log(f"{name} woke, locked={cond.locked()}")
        await asyncio.sleep(0.25)
    log(f"{name} out")


async def main():
    cond = asyncio.Condition()
    ts = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(5)]
    await asyncio.sleep(1)
    async with cond:
        cond.notify(2)
        cond.notify(2)
        log("notified 2 + 2")
    await asyncio.sleep(0)
    log("main after notify")
    await asyncio.sleep(2)
    async with cond:
        cond.notify(3)
        log("notify 3 with one waiter")
    await asyncio.gather(*ts)

run(main())
