# Rules 7, 9: a Barrier party is cancelled and the barrier aborted in one step: the cancelled one ends cancelled, the other gets BrokenBarrierError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        await b.wait()
        log(f"{name} passed")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    except asyncio.BrokenBarrierError:
        log(f"{name} broken")


async def main():
    b = asyncio.Barrier(3)
    ps = [asyncio.create_task(party(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(0)
    ps[0].cancel()
    await b.abort()
    log("aborted")
    await asyncio.gather(*ps, return_exceptions=True)
    log(f"end broken={b.broken}")

run(main())
