# Rule 12: shield of an existing task: the caller's timeout cancels only the shield; the task runs on and can be awaited later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save():
    try:
        await asyncio.sleep(2)
    except asyncio.CancelledError:
        log("save cancelled")
        raise
    log("save done")
    return "saved"


async def main():
    t = asyncio.create_task(save())
    try:
        await asyncio.wait_for(asyncio.shield(t), 1)
    except TimeoutError:
        log(f"timeout; task done={t.done()}")
    r = await t
    log(f"later: {r}")


run(main())
