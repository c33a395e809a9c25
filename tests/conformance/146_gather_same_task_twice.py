# Rules 5, 6: a task passed twice to gather is awaited once per slot; a task awaited by a gather and directly resumes its direct awaiter first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def compute():
    await asyncio.sleep(1)
    log("computed")
    return 21


async def main():
    t = asyncio.create_task(compute())
    async def direct():
        log(f"direct got {await t}")
    d = asyncio.create_task(direct())
    r = await asyncio.gather(t, t)
    log(f"gather got {r}")
    await d
    r = await asyncio.gather(t, t)
    log(f"again {r}")


run(main())
