# Rules 11, 12: a timeout around a TaskGroup whose child awaits shield(save): the expiry cancels the group, the save runs on, awaited afterwards.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def save(name):
    await asyncio.sleep(0.5)
    log(f"{name} saved")
    return name


async def child(s):
    try:
        await asyncio.shield(s)
    except asyncio.CancelledError:
        log("child cancelled, save running")
        raise


async def main():
    s = asyncio.create_task(save("doc"))
    try:
        async with asyncio.timeout(0.25):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child(s))
                tg.create_task(asyncio.sleep(1))
    except TimeoutError:
        log(f"timed out, save done={s.done()}")
    log(f"save result {await s}")

run(main())
