# Rules 7 and 9: a lock cycle that a watchdog breaks is no deadlock: cancelling one member releases its lock (async with), so the other member goes on.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def transfer(name, first, second):
    async with first:
        log(f"{name} holds one lock")
        await asyncio.sleep(1)
        async with second:
            log(f"{name} holds both")


async def main():
    a, b = asyncio.Lock(), asyncio.Lock()
    t1 = asyncio.create_task(transfer("t1", a, b))
    t2 = asyncio.create_task(transfer("t2", b, a))
    await asyncio.sleep(5)
    log("watchdog cancels t1")
    t1.cancel()
    try:
        await t1
    except asyncio.CancelledError:
        log("t1 cancelled")
    await t2
    log("t2 done")


run(main())
