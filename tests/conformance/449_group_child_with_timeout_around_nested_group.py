# Rules 11, 12: a TaskGroup child times out around its own nested TaskGroup: the nested children are cancelled, the child goes on, and the outer group is unaffected.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def child():
    try:
        async with asyncio.timeout(1):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(leaf("n1", 0.5))
                tg.create_task(leaf("n2", 2))
    except TimeoutError:
        log("child timed out, goes on")
    await asyncio.sleep(0.5)
    log("child done")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child())
        tg.create_task(leaf("sib", 1.25))
    log("outer group done")

run(main())
