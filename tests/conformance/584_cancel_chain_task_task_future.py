# Rule 7: cancelling a task awaiting a task awaiting a bare future: the cancellation travels down the chain; the future is cancelled at once, the tasks end inner first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def leaf(f):
    try:
        return await f
    except asyncio.CancelledError:
        log(f"leaf cancelled f cancelled={f.cancelled()}")
        raise


async def middle(t):
    try:
        return await t
    except asyncio.CancelledError:
        log("middle cancelled")
        raise


async def main():
    f = asyncio.get_running_loop().create_future()
    f.add_done_callback(lambda _: log("f callback"))
    l = asyncio.create_task(leaf(f))
    m = asyncio.create_task(middle(l))
    await asyncio.sleep(0)
    m.cancel("stop")
    log(f"cancelled f={f.cancelled()} l cancelling={l.cancelling()}")
    try:
        await m
    except asyncio.CancelledError as e:
        log(f"main sees {e.args}")

run(main())