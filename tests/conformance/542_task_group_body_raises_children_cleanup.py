# Rule 12: a TaskGroup body raising: the children are cancelled, their cleanups run, the body's error propagates alone.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def child(name):
    try:
        await asyncio.sleep(1)
    finally:
        log(f"{name} cleanup")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a"))
            tg.create_task(child("b"))
            await asyncio.sleep(0.125)
            raise ValueError("body")
    except* ValueError as eg:
        log(f"caught {[str(e) for e in eg.exceptions]}")

run(main())
