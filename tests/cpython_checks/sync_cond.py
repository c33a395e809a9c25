import asyncio, sys
import os; sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/conformance"))
from vclock import log, run

async def main():
    cond = asyncio.Condition()
    count = [0]
    async def w(i):
        async with cond:
            await cond.wait()
            count[0] += 1
            log(f"w{i} woke, count={count[0]}")
    hs = [asyncio.create_task(w(i)) for i in range(4)]
    await asyncio.sleep(0)
    async with cond:
        cond.notify(2)
        log("notified 2")
    await asyncio.sleep(1)
    async with cond:
        cond.notify_all()
    for h in hs: await h

run(main())
