# Rule 5: a task awaited by many: direct awaiters resume one slot after it ends, gather/wait/shield callers two, each in registration order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(1)
    log("work done")
    return 7


async def via_gather(t):
    r = await asyncio.gather(t)
    log(f"gather caller got {r}")


async def direct(t, name):
    r = await t
    log(f"{name} got {r}")


async def via_shield(t):
    r = await asyncio.shield(t)
    log(f"shield caller got {r}")


async def via_wait(t):
    done, pending = await asyncio.wait([t])
    log(f"wait caller: {len(done)} done")


async def main():
    t = asyncio.create_task(work())
    callers = [
        asyncio.create_task(via_gather(t)),
        asyncio.create_task(direct(t, "direct-1")),
        asyncio.create_task(via_shield(t)),
        asyncio.create_task(via_wait(t)),
        asyncio.create_task(direct(t, "direct-2")),
    ]
    r = await t
    log(f"main got {r}")
    for c in callers:
        await c
    log("all callers done")


run(main())
