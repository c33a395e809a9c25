# Rules 7, 9: a Barrier party cancelled while it waits for the others leaves the count; two later arrivals fill the barrier with the one left.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed index={i}")
    except asyncio.CancelledError:
        log(f"{name} cancelled n_waiting={b.n_waiting}")
        raise


async def main():
    b = asyncio.Barrier(3)
    p1 = asyncio.create_task(party(b, "p1"))
    p2 = asyncio.create_task(party(b, "p2"))
    await asyncio.sleep(0)
    log(f"waiting={b.n_waiting}")
    p2.cancel()
    await asyncio.sleep(0)
    log(f"after cancel waiting={b.n_waiting}")
    p3 = asyncio.create_task(party(b, "p3"))
    p4 = asyncio.create_task(party(b, "p4"))
    await asyncio.gather(p1, p3, p4)
    log(f"end waiting={b.n_waiting} broken={b.broken}")

run(main())