# Rules 7, 12: the task awaiting a shield is cancelled twice; the shielded task finishes and its result is read afterwards.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(2)
    log("work finished")
    return 42


async def caller(t):
    try:
        return await asyncio.shield(t)
    except asyncio.CancelledError:
        log(f"caller cancelled, work done={t.done()}")
        raise


async def main():
    t = asyncio.create_task(work())
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(1)
    c.cancel()
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)
    log(f"caller cancelled={c.cancelled()}, work result {await t}")

run(main())
