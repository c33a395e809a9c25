# Rule 12: a TaskGroup child cancelled from outside ends cancelled without aborting the group; its siblings finish and the group exits cleanly.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(child("a", 1))
        b = tg.create_task(child("b", 2))
        tg.create_task(child("c", 1.5))
        await asyncio.sleep(0.5)
        b.cancel()
        log("body ends")
    log(f"group done, b cancelled={b.cancelled()} a done={a.done()}")

run(main())
