# Rules 7, 12: a TaskGroup child failing in its first step: a sibling created after it already had its first step queued, so it starts before the abort cancels it; the siblings are cancelled in creation order (3.11: a set's order).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def bad():
    log("bad raises")
    raise ValueError("bad")


async def other(name):
    log(f"{name} started")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            first = tg.create_task(other("first"))
            tg.create_task(bad())
            late = tg.create_task(other("late"))
            log("body done")
    except* ValueError as eg:
        log(f"group raised {[str(e) for e in eg.exceptions]}")
    log(f"first cancelled={first.cancelled()} late cancelled={late.cancelled()}")

run(main())
