# Rules 5 and 7: a bare future: set_result() wakes its awaiters in the order they awaited it, set_exception() raises in each, cancel(msg) raises CancelledError with the message; done()/cancelled() read along the way; set_result() on a done future raises InvalidStateError; wait_for's expiry cancels the future it awaits.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(fut, name):
    try:
        try:
            v = await fut
            log(f"{name} got {v}")
        except ValueError as e:
            log(f"{name} caught ValueError {e}")
    except asyncio.CancelledError as e:
        log(f"{name} saw CancelledError {e}")


async def setter(fut, delay, value):
    await asyncio.sleep(delay)
    log(f"set_result({value}), done={fut.done()}")
    fut.set_result(value)
    log(f"setter still running, done={fut.done()}")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    w0 = asyncio.create_task(waiter(f, "w0"))
    w1 = asyncio.create_task(waiter(f, "w1"))
    s = asyncio.create_task(setter(f, 0.5, 42))
    v = await f
    log(f"main got {v}, done={f.done()} cancelled={f.cancelled()}")
    await asyncio.gather(w0, w1, s)
    try:
        f.set_result(7)
    except asyncio.InvalidStateError:
        log("set_result again: InvalidStateError")
    log(f"awaited again: {await f}")
    g = loop.create_future()
    e0 = asyncio.create_task(waiter(g, "e0"))
    await asyncio.sleep(0)
    g.set_exception(ValueError("boom"))
    log(f"exception set, done={g.done()} cancelled={g.cancelled()}")
    await e0
    h = loop.create_future()
    c0 = asyncio.create_task(waiter(h, "c0"))
    c1 = asyncio.create_task(waiter(h, "c1"))
    await asyncio.sleep(0.25)
    h.cancel("stop")
    log(f"cancelled: done={h.done()} cancelled={h.cancelled()}")
    await asyncio.gather(c0, c1)
    k = loop.create_future()
    try:
        await asyncio.wait_for(k, 0.5)
    except TimeoutError:
        log(f"wait_for timed out, k cancelled={k.cancelled()}")


run(main())
