# Rule 9: a Barrier round passes and, while the released parties are still leaving, a new arrival waits for the next round; abort() then breaks the new round only.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name, delay):
    await asyncio.sleep(delay)
    try:
        i = await b.wait()
        log(f"{name} passes as {i}")
    except asyncio.BrokenBarrierError:
        log(f"{name} broken")


async def main():
    b = asyncio.Barrier(2)
    ts = [asyncio.create_task(party(b, "a", 0)),
          asyncio.create_task(party(b, "b", 0.5)),
          asyncio.create_task(party(b, "c", 0.5))]
    await asyncio.sleep(0.5)
    await asyncio.sleep(0)
    log(f"n_waiting={b.n_waiting} broken={b.broken}")
    await b.abort()
    log(f"aborted, broken={b.broken}")
    await asyncio.gather(*ts)

run(main())
