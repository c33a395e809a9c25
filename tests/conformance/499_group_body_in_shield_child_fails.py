# Rules 12: a TaskGroup body awaiting shield(task) is cancelled by a child's failure: the shielded task runs on and is awaited after the group.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save():
    await asyncio.sleep(0.5)
    log("save done")
    return "saved"


async def fail():
    await asyncio.sleep(0.25)
    log("child raises")
    raise ValueError("x")


async def main():
    s = asyncio.create_task(save())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail())
            try:
                await asyncio.shield(s)
            except asyncio.CancelledError:
                log(f"body cancelled, s done={s.done()}")
                raise
    except* ValueError:
        log("group failed")
    log(f"s -> {await s}")

run(main())
