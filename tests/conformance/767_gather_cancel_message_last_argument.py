# Rules 6, 7: a gather(return_exceptions=True) cancelled through its awaiter raises CancelledError with the message of its last child in argument order (the loop variable of asyncio's `_done_callback`), not of the child that ended last: `b`, cancelled with a message before it started, is last; then the same gather with `b` first raises the last child's bare CancelledError. Found by scripts/differential.py (seed 8410, program 105).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def slow():
    await asyncio.sleep(1)


async def quick():
    log("quick ran")


async def waiter(first, second):
    try:
        r = await asyncio.gather(first, second, return_exceptions=True)
        log(f"gather {r}")
    except asyncio.CancelledError as e:
        log(f"waiter caught {e!r}")


async def shape(b_last):
    a = asyncio.create_task(slow())
    b = asyncio.create_task(quick())
    b.cancel("from main")
    w = asyncio.create_task(waiter(a, b) if b_last else waiter(b, a))
    await asyncio.sleep(0)
    w.cancel()
    await asyncio.gather(a, w, return_exceptions=True)


async def main():
    await shape(True)
    await shape(False)
    log("end")


run(main())
