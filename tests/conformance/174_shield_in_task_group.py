# Rule 12: a TaskGroup child shields its save; a sibling's failure cancels the child but not the save, which finishes after the group.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save():
    await asyncio.sleep(2)
    log("save finished")
    return "saved"


async def writer(holder):
    holder.append(asyncio.ensure_future(save()))
    try:
        await asyncio.shield(holder[0])
    except asyncio.CancelledError:
        log("writer cancelled, save goes on")
        raise


async def failer():
    await asyncio.sleep(1)
    log("failer raises")
    raise RuntimeError("boom")


async def main():
    holder = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(writer(holder))
            tg.create_task(failer())
    except* RuntimeError:
        log(f"group failed; save done={holder[0].done()}")
    log(f"save -> {await holder[0]}")


run(main())
