# Rules 11, 12: a timeout inside a TaskGroup's body expires; the TimeoutError is caught in the body, the children are untouched and the group waits for them.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d):
    await asyncio.sleep(d)
    log(f"{name} done")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("a", 1))
        tg.create_task(child("b", 3))
        try:
            async with asyncio.timeout(2):
                await asyncio.sleep(10)
        except TimeoutError:
            log("body timed out")
        tg.create_task(child("c", 0.5))
        log("body ends")
    log("group done")

run(main())
