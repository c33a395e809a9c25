# Rules 11, 12: a timeout around a TaskGroup whose child awaits shield(task): the expiry cancels the body, the group cancels the child, the shielded task runs on; TimeoutError after the child's cleanup; the task is awaited later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def save():
    await asyncio.sleep(0.5)
    log("save done")
    return "saved"


async def child(inner):
    try:
        await asyncio.shield(inner)
        log("child got it")
    except asyncio.CancelledError:
        log(f"child cancelled inner done={inner.done()}")
        raise


async def main():
    inner = asyncio.create_task(save())
    try:
        async with asyncio.timeout(0.25):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child(inner))
                await asyncio.sleep(1)
    except TimeoutError:
        log(f"timed out inner done={inner.done()}")
    log(f"inner {await inner}")

run(main())
