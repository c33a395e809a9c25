# Rule 12: a TaskGroup body raises while its children run: the children are cancelled and the body's error is collected.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
        log(f"{name} ok")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 0.5))
            tg.create_task(child("b", 2))
            await asyncio.sleep(1)
            log("body raises")
            raise ValueError("body")
    except* ValueError as eg:
        log(f"caught {[str(e) for e in eg.exceptions]}")

run(main())
