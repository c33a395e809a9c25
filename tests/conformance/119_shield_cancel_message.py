# Rule 12: shield under cancellation: the outer task is cancelled with a message, the shielded task runs on and is awaited later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def commit(delay):
    await asyncio.sleep(delay)
    log("commit written")
    return "committed"


async def handler(inner):
    try:
        r = await asyncio.shield(inner)
        log(f"never {r}")
    except asyncio.CancelledError:
        log("handler cancelled")
        raise


async def main():
    inner = asyncio.create_task(commit(2))
    h = asyncio.create_task(handler(inner))
    await asyncio.sleep(1)
    h.cancel("client went away")
    try:
        await h
    except asyncio.CancelledError as e:
        log(f"handler ended: {e.args}")
    log(f"inner done={inner.done()} cancelled={h.cancelled()}")
    log(f"inner result {await inner}")


run(main())
