# Rules 5, 6, 7: gather over bare futures takes no hop a wrapper task would: a future done before the gather does not yield (3.12+), one set by a callback resolves the gather one slot after its done-callback; futures and tasks mixed with return_exceptions; the first failure; cancelling the awaiting task cancels the pending futures.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(n):
    for i in range(n):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def job(name, d):
    await asyncio.sleep(d)
    return name


async def waiter(fut):
    try:
        await asyncio.gather(fut)
    except asyncio.CancelledError:
        log("waiter cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    t = asyncio.create_task(ticker(5))
    await asyncio.sleep(0)
    log("main sets")
    f.set_result("done")
    r = await asyncio.gather(f)
    log(f"done future -> {r}")
    await t
    f = loop.create_future()
    t = asyncio.create_task(ticker(6))
    await asyncio.sleep(0)
    loop.call_soon(f.set_result, "soon")
    r = await asyncio.gather(f)
    log(f"future set by a callback -> {r}")
    await t
    a, b, c = loop.create_future(), loop.create_future(), loop.create_future()
    j = asyncio.create_task(job("job", 0.5))
    loop.call_later(1, a.set_result, 1)
    loop.call_later(0.25, b.set_exception, KeyError("k"))
    loop.call_later(0.75, c.cancel)
    r = await asyncio.gather(a, j, b, c, return_exceptions=True)
    log(f"mixed -> {r}")
    d, e = loop.create_future(), loop.create_future()
    k = asyncio.create_task(job("slow", 2))
    loop.call_later(0.5, e.set_exception, ValueError("bad"))
    try:
        await asyncio.gather(d, k, e)
    except ValueError as ex:
        log(f"first failure {ex!r}, d done={d.done()} k done={k.done()}")
    d.set_result("late")
    log(f"k -> {await k}")
    g = loop.create_future()
    w = asyncio.create_task(waiter(g))
    await asyncio.sleep(0)
    w.cancel()
    await asyncio.gather(w, return_exceptions=True)
    log(f"g cancelled={g.cancelled()} w cancelled={w.cancelled()}")


run(main())
