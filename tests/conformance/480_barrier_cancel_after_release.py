# Rules 7, 9: a Barrier round passes and a released party is cancelled before it runs: it re-takes the lock first; the others pass.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed as {i}")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    b = asyncio.Barrier(3)
    ps = [asyncio.create_task(party(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(0)
    last = asyncio.create_task(party(b, "p2"))
    await asyncio.sleep(0)
    ps[0].cancel()
    await asyncio.gather(*ps, last, return_exceptions=True)
    log(f"end waiting={b.n_waiting} broken={b.broken}")
    ps = [asyncio.create_task(party(b, f"q{i}")) for i in range(3)]
    await asyncio.gather(*ps)

run(main())
