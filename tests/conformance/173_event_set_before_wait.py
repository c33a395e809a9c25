# Rules 1, 9: waiting on an Event that is already set does not yield; a task queued earlier runs only when the waiter really waits.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def bystander():
    log("bystander runs")


async def main():
    ev = asyncio.Event()
    ev.set()
    asyncio.create_task(bystander())
    await ev.wait()
    log("passed the set event without yielding")
    ev.clear()
    async def setter():
        log("setter sets")
        ev.set()
    asyncio.create_task(setter())
    await ev.wait()
    log("woke after the setter")


run(main())
