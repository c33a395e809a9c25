# Rules 12: a TaskGroup child awaiting shield(task) is cancelled by a sibling's failure; the shielded task runs on after the group raised.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(2)
    log("shielded work done")
    return 5


async def child(t):
    try:
        await asyncio.shield(t)
    except asyncio.CancelledError:
        log("child cancelled")
        raise


async def failer():
    await asyncio.sleep(1)
    raise ValueError("x")


async def main():
    t = asyncio.create_task(work())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(t))
            tg.create_task(failer())
    except* ValueError:
        log(f"group failed, t done={t.done()}")
    log(f"t result={await t}")

run(main())
