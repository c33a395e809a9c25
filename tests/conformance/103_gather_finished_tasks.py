# Rule 6 (3.12+): gather over tasks that already finished completes at once (its done-callbacks run eagerly), so awaiting it does not yield.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick(name):
    log(f"{name} runs")
    return name


async def other():
    log("other runs")


async def main():
    a = asyncio.create_task(quick("a"))
    b = asyncio.create_task(quick("b"))
    await asyncio.sleep(0)
    asyncio.create_task(other())
    r = await asyncio.gather(a, b)
    log(f"gathered {r}")
    await asyncio.sleep(0)
    log("main done")


run(main())
