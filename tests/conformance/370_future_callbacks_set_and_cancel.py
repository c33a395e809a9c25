# Rules 5, 7: a future's done-callback sets a second future and cancels a third; their awaiters and callbacks run in the order the callbacks were queued.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def awaiter(f, name):
    try:
        r = await f
        log(f"{name} got {r}")
    except asyncio.CancelledError:
        log(f"{name} saw the cancellation")


async def main():
    loop = asyncio.get_running_loop()
    f1, f2, f3 = loop.create_future(), loop.create_future(), loop.create_future()

    def on_f1(f):
        log(f"cb1 sees {f.result()}")
        f2.set_result(f.result() * 2)
        f3.cancel()
        log(f"cb1 set f2, cancelled f3")

    f1.add_done_callback(on_f1)
    f2.add_done_callback(lambda f: log(f"cb2 sees {f.result()}"))
    f3.add_done_callback(lambda f: log(f"cb3 cancelled={f.cancelled()}"))
    ts = [asyncio.create_task(awaiter(f3, "t3")),
          asyncio.create_task(awaiter(f2, "t2")),
          asyncio.create_task(awaiter(f1, "t1"))]
    await asyncio.sleep(0)
    loop.call_later(1, f1.set_result, 21)
    await asyncio.gather(*ts)
    log(f"f2 cancel now? {f2.cancel()}")

run(main())
