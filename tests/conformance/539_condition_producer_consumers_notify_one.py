# Rule 9: a Condition-guarded buffer: each put notifies one consumer; consumers wake in wait order and re-check.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def consumer(cond, buf, name):
    async with cond:
        await cond.wait_for(lambda: buf)
        item = buf.pop(0)
        log(f"{name} took {item}")


async def main():
    cond = asyncio.Condition()
    buf = []
    cs = [asyncio.create_task(consumer(cond, buf, f"c{i}")) for i in range(3)]
    await asyncio.sleep(0)
    for item in "xyz":
        async with cond:
            buf.append(item)
            cond.notify(1)
            log(f"put {item}")
        await asyncio.sleep(0.125)
    await asyncio.gather(*cs)

run(main())
