# Rules 7, 11: a task inside wait_for(coroutine) cancelled from outside with a message: the inner coroutine sees the message, then the caller gets CancelledError with it, not TimeoutError; cancelling() reads 1 in both; a later expiry is a TimeoutError with no message.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def inner(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} inner sees {e.args}, cancelling={asyncio.current_task().cancelling()}")
        raise


async def caller(name, limit):
    try:
        await asyncio.wait_for(inner(name), limit)
    except TimeoutError as e:
        log(f"{name} TimeoutError {e.args}, cancelling={asyncio.current_task().cancelling()}")
        return "timeout"
    except asyncio.CancelledError as e:
        log(f"{name} caller sees {e.args}, cancelling={asyncio.current_task().cancelling()}")
        raise


async def main():
    a = asyncio.create_task(caller("a", 0.5))
    b = asyncio.create_task(caller("b", 0.25))
    await asyncio.sleep(0.125)
    a.cancel("shutdown")
    r = await asyncio.gather(a, b, return_exceptions=True)
    log(f"results {[x if isinstance(x, str) else repr(x) for x in r]}")

run(main())
