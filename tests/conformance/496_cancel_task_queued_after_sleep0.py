# Rule 7: a task queued by its own sleep(0) is cancelled before its turn: it sees CancelledError at that turn; one cancelled after it ran to its end is not.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def looper(name, n):
    try:
        for i in range(n):
            log(f"{name} step {i}")
            await asyncio.sleep(0)
        log(f"{name} ends")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    a = asyncio.create_task(looper("a", 3))
    b = asyncio.create_task(looper("b", 1))
    await asyncio.sleep(0)
    a.cancel()
    log("a cancel requested")
    await asyncio.sleep(0)
    log(f"b done={b.done()} cancel -> {b.cancel()}")
    r = await asyncio.gather(a, b, return_exceptions=True)
    log(f"results {[type(x).__name__ for x in r]}")

run(main())
