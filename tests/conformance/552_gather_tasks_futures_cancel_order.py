# Rules 6, 7: cancelling the task awaiting a gather of tasks and bare futures forwards the cancellation to each child in argument order: a future is cancelled at once (its callbacks queue then), a task at its turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def caller(children):
    try:
        await asyncio.gather(*children)
    except asyncio.CancelledError:
        log("caller cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(worker("a"))
    f = loop.create_future()
    b = asyncio.create_task(worker("b"))
    g = loop.create_future()
    f.add_done_callback(lambda _: log("f callback"))
    g.add_done_callback(lambda _: log("g callback"))
    c = asyncio.create_task(caller([a, f, b, g]))
    await asyncio.sleep(0.125)
    c.cancel()
    log(f"cancel sent f={f.cancelled()} g={g.cancelled()}")
    try:
        await c
    except asyncio.CancelledError:
        log(f"main sees caller cancelled a={a.done()} b={b.done()}")
    await asyncio.sleep(0)
    log(f"end a={a.cancelled()} b={b.cancelled()}")
    # futures first, then tasks
    f2 = loop.create_future()
    t2 = asyncio.create_task(worker("t2"))
    f2.add_done_callback(lambda _: log("f2 callback"))
    c2 = asyncio.create_task(caller([f2, t2]))
    await asyncio.sleep(0.125)
    c2.cancel()
    log("cancel sent 2")
    try:
        await c2
    except asyncio.CancelledError:
        log(f"main sees caller 2 cancelled t2={t2.done()}")
    await asyncio.sleep(0)
    log(f"end t2={t2.cancelled()}")

run(main())
