# Rules 7, 9: a Barrier party cancelled while waiting leaves its place; a later arrival fills the round.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed as {i}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, waiting={b.n_waiting}")
        raise


async def main():
    b = asyncio.Barrier(3)
    ps = [asyncio.create_task(party(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(0)
    log(f"waiting={b.n_waiting}")
    ps[0].cancel()
    await asyncio.sleep(0)
    log(f"after cancel waiting={b.n_waiting}")
    ps.append(asyncio.create_task(party(b, "p2")))
    ps.append(asyncio.create_task(party(b, "p3")))
    await asyncio.gather(*ps, return_exceptions=True)
    log(f"end waiting={b.n_waiting} broken={b.broken}")

run(main())
