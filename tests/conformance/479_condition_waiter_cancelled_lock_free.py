# Rules 7, 9: a Condition waiter cancelled with the lock free re-acquires it at its turn and ends in that step; a notify after finds no waiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            await cond.wait()
            log(f"{name} woke")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={cond.locked()}")
        raise


async def main():
    cond = asyncio.Condition()
    ws = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    ws[0].cancel()
    await asyncio.sleep(0)
    log(f"locked={cond.locked()}")
    async with cond:
        n = cond.notify(1)
        log("notified one")
    await asyncio.gather(*ws, return_exceptions=True)
    log("end")

run(main())
