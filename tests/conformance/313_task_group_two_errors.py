# Rule 12: two TaskGroup children fail in the same pass; the ExceptionGroup lists them in the order they failed, and a sibling cancelled raises nothing.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay, exc=None):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if exc is not None:
        log(f"{name} raises {exc.__name__}")
        raise exc(name)
    log(f"{name} ok")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 1, KeyError))
            tg.create_task(child("b", 0.5))
            tg.create_task(child("c", 1, ValueError))
            tg.create_task(child("d", 2))
        log("never")
    except* KeyError as eg:
        log(f"KeyError group: {[str(e) for e in eg.exceptions]}")
    except* ValueError as eg:
        log(f"ValueError group: {[str(e) for e in eg.exceptions]}")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("x", 1, ValueError))
            tg.create_task(child("y", 1, ValueError))
    except ExceptionGroup as eg:
        log(f"{eg.message}: {[str(e) for e in eg.exceptions]}")

run(main())
