# Rule 12: create_task on a TaskGroup that has finished raises RuntimeError; a TaskGroup with no children ends without yielding.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child():
    await asyncio.sleep(0.5)
    log("child done")


async def ticker():
    log("ticker runs")


async def main():
    t = asyncio.create_task(ticker())
    async with asyncio.TaskGroup() as tg:
        pass
    log("empty group exited")
    await t
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child())
    log("group exited")
    try:
        tg.create_task(child())
    except RuntimeError as e:
        log("RuntimeError: finished")

run(main())
