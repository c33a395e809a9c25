# Rules 12: as_completed results spawned into a TaskGroup as they arrive; the group waits for the follow-ups.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def fetch(i):
    await asyncio.sleep(0.125 * (4 - i))
    return i


async def follow(i):
    await asyncio.sleep(0.125)
    log(f"follow-up {i} done")


async def main():
    async with asyncio.TaskGroup() as tg:
        for c in asyncio.as_completed([fetch(i) for i in range(4)]):
            i = await c
            log(f"fetched {i}")
            tg.create_task(follow(i))
    log("group done")

run(main())
