# Rules 7, 11, 12: a task waits on wait_for(shield(t)); it is cancelled from outside before the deadline: the shield keeps t running, the wait_for's caller sees CancelledError, and t's result is read later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    log("work starts")
    await asyncio.sleep(2)
    log("work ends")
    return 7


async def caller(t):
    try:
        r = await asyncio.wait_for(asyncio.shield(t), 3)
        log(f"caller got {r}")
    except asyncio.CancelledError:
        log(f"caller cancelled, t done={t.done()}")
        raise


async def main():
    t = asyncio.create_task(work())
    c = asyncio.create_task(caller(t))
    await asyncio.sleep(1)
    c.cancel()
    await asyncio.sleep(0)
    log(f"c cancelled={c.cancelled()} t done={t.done()}")
    log(f"t result {await t}")
    c2 = asyncio.create_task(caller(asyncio.create_task(work())))
    await asyncio.sleep(0.5)
    log("main waits c2")
    await c2

run(main())
