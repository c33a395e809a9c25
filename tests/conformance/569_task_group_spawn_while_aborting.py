# Rule 12: a TaskGroup child trying to spawn a sibling after the group began aborting is refused; the siblings cancelled, the failure reported alone.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def failer():
    await asyncio.sleep(0.125)
    log("failer raises")
    raise ValueError("boom")


async def spawner(tg):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("spawner cancelled, tries to spawn")
        coro = asyncio.sleep(0)
        try:
            tg.create_task(coro)
            log("spawned")
        except RuntimeError:
            coro.close()
            log("spawn refused")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(spawner(tg))
            tg.create_task(failer())
    except* ValueError as eg:
        log(f"group raised {[str(e) for e in eg.exceptions]}")

run(main())