# Rules 11, 12: a TaskGroup child times out on its own (asyncio.timeout inside it) and goes on; a sibling fails later and cancels the rest; the group raises the failure only.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def patient(name):
    try:
        async with asyncio.timeout(1):
            await asyncio.sleep(5)
    except TimeoutError:
        log(f"{name} timed out, goes on")
    try:
        await asyncio.sleep(3)
        log(f"{name} finished")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def failing():
    await asyncio.sleep(2)
    log("failing raises")
    raise ValueError("boom")


async def quick():
    async with asyncio.timeout(2):
        await asyncio.sleep(0.5)
    log("quick done in time")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(patient("p1"))
            tg.create_task(quick())
            tg.create_task(failing())
            tg.create_task(patient("p2"))
    except* ValueError as eg:
        log(f"group failed {[str(e) for e in eg.exceptions]}")

run(main())
