# Rule 9: notify(5) with two waiters wakes both; a waiter arriving afterwards is not notified by it and waits for the next notify.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def waiter(cond, name):
    async with cond:
        await cond.wait()
        log(f"{name} notified")


async def main():
    cond = asyncio.Condition()
    ws = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    async with cond:
        cond.notify(5)
        log("notify(5)")
    late = asyncio.create_task(waiter(cond, "late"))
    await asyncio.sleep(0.125)
    log(f"late done={late.done()}")
    async with cond:
        cond.notify()
        log("notify()")
    await asyncio.gather(*ws, late)
    log("end")

run(main())
