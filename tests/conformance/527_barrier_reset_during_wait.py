# Rule 9: Barrier.reset() while two parties wait: they get BrokenBarrierError; the barrier is usable again for a full round.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passed {i}")
    except asyncio.BrokenBarrierError:
        log(f"{name} broken")


async def main():
    b = asyncio.Barrier(3)
    ps = [asyncio.create_task(party(b, f"p{i}")) for i in range(2)]
    await asyncio.sleep(0.125)
    log(f"waiting {b.n_waiting}")
    await b.reset()
    log(f"reset broken={b.broken}")
    await asyncio.gather(*ps)
    ps = [asyncio.create_task(party(b, f"q{i}")) for i in range(3)]
    await asyncio.gather(*ps)
    log(f"end waiting={b.n_waiting} broken={b.broken}")

run(main())
