# Rules 9, 7: a Condition waiter cancelled before notify leaves the line; notify(1) then goes to the next waiter (3.13 also wakes one waiter when a cancelled wait raises).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} notified")
    except asyncio.CancelledError:
        log(f"{name} cancelled locked={cond.locked()}")
        raise


async def main():
    cond = asyncio.Condition()
    ws = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0)
    ws[0].cancel()
    await asyncio.sleep(0)
    async with cond:
        cond.notify(1)
        log("notify(1)")
    await asyncio.sleep(0.125)
    async with cond:
        cond.notify(1)
        log("notify(1) again")
    await asyncio.gather(*ws, return_exceptions=True)
    log("end")

run(main())