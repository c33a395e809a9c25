# Rules 7, 9: a Barrier(3) waiter is cancelled while waiting: the barrier is not broken, its count drops, and a later arrival completes the round with the stayer.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name, delay):
    await asyncio.sleep(delay)
    log(f"{name} arrives, n_waiting={b.n_waiting}")
    try:
        i = await b.wait()
        log(f"{name} passes as {i}")
    except asyncio.CancelledError:
        log(f"{name} cancelled at the barrier")
        raise


async def main():
    b = asyncio.Barrier(3)
    a = asyncio.create_task(party(b, "a", 0))
    c = asyncio.create_task(party(b, "c", 0.5))
    await asyncio.sleep(1)
    c.cancel()
    await asyncio.sleep(0)
    log(f"after cancel n_waiting={b.n_waiting} broken={b.broken}")
    d = asyncio.create_task(party(b, "d", 0.5))
    e = asyncio.create_task(party(b, "e", 1))
    await asyncio.gather(a, d, e)
    log(f"round done n_waiting={b.n_waiting} broken={b.broken}")

run(main())
