# Rules 7, 12: a TaskGroup child cancelled directly (not by the group) does not abort the group: its siblings run on and the group ends normally.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def child(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(child("a", 0.5))
        b = tg.create_task(child("b", 0.25))
        await asyncio.sleep(0.125)
        a.cancel()
        log("a cancel requested")
    log(f"group done a cancelled={a.cancelled()} b done={b.done()}")

run(main())
