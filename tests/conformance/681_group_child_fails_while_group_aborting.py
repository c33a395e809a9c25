# Rules 7, 12: a TaskGroup that is already aborting: a child fails, and in the same pass the abort's cancellations are queued; a sibling that finishes its sleep in that pass fails too before its cancellation lands, so both failures are collected; a shielded inner task that fails after the group has exited adds nothing: its exception stays on the task.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def failer(name, d):
    await asyncio.sleep(d)
    log(f"{name} fails")
    raise ValueError(name)


async def shielded(name, inners):
    inner = asyncio.create_task(failer(name + ".inner", 0.375))
    inners.append(inner)
    try:
        await asyncio.shield(inner)
    except asyncio.CancelledError:
        log(f"{name} cancelled, inner done={inner.done()}")
        raise


async def main():
    inners = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(failer("a", 0.25))
            tg.create_task(failer("b", 0.25))
            tg.create_task(shielded("c", inners))
    except* ValueError as eg:
        log(f"group failed with {sorted(str(e) for e in eg.exceptions)}")
    await asyncio.sleep(0.25)
    log(f"end, the inner task raised {inners[0].exception()!r}")

run(main())
