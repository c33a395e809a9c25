# Rules 1, 2, 4: a queued call_soon cancelled before its turn never runs; a callback cancels a timer due at the same instant that fired after it; cancelled() reads true.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    a = loop.call_soon(log, "a never")
    loop.call_soon(log, "b runs")
    a.cancel()
    log(f"a cancelled={a.cancelled()}")
    await asyncio.sleep(0)
    holder = {}
    loop.call_later(1, lambda: (log("first timer cancels the second"), holder["t"].cancel()))
    holder["t"] = loop.call_later(1, log, "second never")
    loop.call_later(1, log, "third runs")
    await asyncio.sleep(2)
    log(f"second cancelled={holder['t'].cancelled()}")

run(main())
