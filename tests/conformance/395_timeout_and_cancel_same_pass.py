# Rules 7, 11: a task inside asyncio.timeout is cancelled from outside in the pass its deadline expires: the outside cancellation wins (CancelledError, not TimeoutError) when it comes first; when the expiry comes first it is a TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def body(name, limit):
    try:
        async with asyncio.timeout(limit):
            await asyncio.sleep(5)
    except TimeoutError:
        log(f"{name} timed out")
        return "timeout"
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(body("a", 1))
    loop.call_later(1, a.cancel)
    b = asyncio.create_task(body("b", 1))
    await asyncio.sleep(0)
    loop.call_later(1, b.cancel)
    r = await asyncio.gather(a, b, return_exceptions=True)
    log(f"a cancelled={a.cancelled()} b result={r[1]!r} b cancelled={b.cancelled()}")

run(main())
