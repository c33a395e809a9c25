# Rules 9, 12: TaskGroup children waiting on an Event are cancelled when a sibling fails; an Event set in the same step as the failure still wakes them first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name):
    try:
        await ev.wait()
        log(f"{name} saw the event")
        await asyncio.sleep(1)
        log(f"{name} finished")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def failer(ev, set_first):
    await asyncio.sleep(1)
    if set_first:
        ev.set()
    raise ValueError("boom")


async def run_group(set_first):
    ev = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(waiter(ev, "w1"))
            tg.create_task(waiter(ev, "w2"))
            tg.create_task(failer(ev, set_first))
    except* ValueError:
        log(f"group failed (set_first={set_first})")


async def main():
    await run_group(False)
    await run_group(True)

run(main())
