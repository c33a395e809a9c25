# Rules 1, 2: call_soon, call_later and call_at handles: one cancelled before it runs never runs; cancelling one that already ran changes nothing; cancelled() reads.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    h1 = loop.call_soon(log, "soon 1")
    h2 = loop.call_soon(log, "soon 2")
    h2.cancel()
    h3 = loop.call_later(0.25, log, "later")
    h4 = loop.call_at(loop.time() + 0.125, log, "at")
    h5 = loop.call_at(loop.time() + 0.25, log, "at too")
    await asyncio.sleep(0)
    log(f"h1 cancelled={h1.cancelled()} h2 cancelled={h2.cancelled()}")
    h1.cancel()
    log(f"h1 cancelled after run={h1.cancelled()}")
    await asyncio.sleep(0.125)
    h5.cancel()
    log(f"h4 cancelled={h4.cancelled()} h5 cancelled={h5.cancelled()}")
    await asyncio.sleep(0.25)
    log("end")

run(main())