# Rules 7, 12: a TaskGroup child that catches the group's abort (a sibling failed) cleans up and returns; the group still raises the sibling's failure once the child ended; a child that catches it and sleeps keeps the group's exit waiting. The children are cancelled in creation order here (3.12.1, 3.13.0); 3.11.7's trace (vendored) cancels b first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, clean):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught the abort {e!r}")
        await asyncio.sleep(clean)
        log(f"{name} cleaned up")
        return name
    return "unreachable"


async def failing():
    await asyncio.sleep(0.5)
    log("failing raises")
    raise ValueError("boom")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            a = tg.create_task(child("a", 0.25))
            b = tg.create_task(child("b", 0))
            tg.create_task(failing())
            await asyncio.sleep(2)
    except* ValueError as eg:
        log(f"group raised {[repr(e) for e in eg.exceptions]}")
    log(f"a -> {a.result()!r}, b -> {b.result()!r}, a cancelled {a.cancelled()}")


run(main())
