# Rules 11, 12: wait_for(shield(t)) times out, t runs on; awaiting t later gives its result; a second wait_for on it in time returns it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(2)
    log("work done")
    return 7


async def main():
    t = asyncio.create_task(work())
    try:
        await asyncio.wait_for(asyncio.shield(t), 1)
    except TimeoutError:
        log(f"timed out, t done={t.done()}")
    r = await asyncio.wait_for(t, 5)
    log(f"got {r}")

run(main())
