# Rule 11: a task awaited by several awaiters; one of them waits with wait_for and its timeout cancels the shared task, which every awaiter then sees.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def slow():
    try:
        await asyncio.sleep(3)
    except asyncio.CancelledError:
        log("slow cancelled")
        raise
    return "slow result"


async def direct(t, name):
    try:
        log(f"{name} got {await t}")
    except asyncio.CancelledError:
        log(f"{name} saw the cancellation")
        raise


async def impatient(t):
    try:
        await asyncio.wait_for(t, timeout=1)
    except TimeoutError:
        log("impatient timed out")


async def main():
    t = asyncio.create_task(slow())
    a = asyncio.create_task(direct(t, "a"))
    i = asyncio.create_task(impatient(t))
    b = asyncio.create_task(direct(t, "b"))
    res = await asyncio.gather(a, i, b, return_exceptions=True)
    log(f"gather: {[type(x).__name__ for x in res]}")
    log(f"t cancelled={t.cancelled()}")


run(main())
