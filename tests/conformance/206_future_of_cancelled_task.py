# Rules 7 and 11: cancelling a task that awaits a bare future cancels the future at once, so its other awaiter sees CancelledError with the message; a timeout() block over a future cancels it on expiry; a future set later wakes its awaiter.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def first(fut, name):
    try:
        v = await fut
        log(f"{name} got {v}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, future cancelled={fut.cancelled()}")
        raise


async def second(fut):
    try:
        v = await fut
        log(f"second got {v}")
    except asyncio.CancelledError as e:
        log(f"second saw CancelledError {e}, future done={fut.done()}")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    a = asyncio.create_task(first(f, "a"))
    b = asyncio.create_task(second(f))
    await asyncio.sleep(0)
    a.cancel("stop")
    log(f"after cancel: future cancelled={f.cancelled()}, a done={a.done()}")
    await asyncio.gather(a, b, return_exceptions=True)
    log(f"a cancelled={a.cancelled()} b cancelled={b.cancelled()}")
    g = loop.create_future()
    try:
        async with asyncio.timeout(0.5):
            await g
    except TimeoutError:
        log(f"timeout expired, g cancelled={g.cancelled()}")
    h = loop.create_future()
    t = asyncio.create_task(first(h, "t"))
    await asyncio.sleep(0.25)
    h.set_result("late")
    log(f"set, t done={t.done()}")
    await t
    log(f"h done={h.done()} t done={t.done()} cancelled={t.cancelled()}")


run(main())
