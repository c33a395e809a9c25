# Rule 12: a TaskGroup child fails while siblings await shielded tasks: the siblings are cancelled, the shielded work runs on.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} work done")
    return name


async def child(name, d):
    try:
        r = await asyncio.shield(asyncio.create_task(work(name, d)))
        log(f"{name} got {r}")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def failing():
    await asyncio.sleep(0.25)
    log("failing raises")
    raise ValueError("boom")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 0.5))
            tg.create_task(child("b", 0.125))
            tg.create_task(failing())
    except* ValueError as eg:
        log(f"group failed: {[str(e) for e in eg.exceptions]}")
    await asyncio.sleep(1)
    log("end")

run(main())
