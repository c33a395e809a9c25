# Rules 1, 2, 5: call_soon / call_later / call_at against tasks and sleeps: one ready-queue slot per callback, timers in deadline then arming order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(name, n, delay):
    for i in range(n):
        log(f"{name} tick {i}")
        await asyncio.sleep(delay)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(ticker("t", 3, 0.5))
    loop.call_soon(log, "soon A")
    loop.call_later(0.5, log, "later 0.5")
    loop.call_at(loop.time() + 0.25, log, "at 0.25")
    loop.call_later(0, log, "later 0")
    loop.call_soon(log, "soon B")
    log("main yields")
    await asyncio.sleep(0)
    log("main back")
    h = loop.call_later(1, log, "cancelled callback")
    loop.call_later(1, lambda: loop.call_soon(log, "nested soon"))
    h.cancel()
    await t
    log(f"main after ticker, cancelled handle={h.cancelled()}")
    await asyncio.sleep(0.5)
    log("end")


run(main())
