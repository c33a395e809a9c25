# Rule 9: Barrier.reset() while two of three parties wait: both get BrokenBarrierError and retry; the barrier is not broken after the reset, so with the third party they all pass, the last arrival first; n_waiting and broken read at each point.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name, delay):
    await asyncio.sleep(delay)
    for attempt in range(2):
        log(f"{name} waits (attempt {attempt}), n_waiting={b.n_waiting}")
        try:
            i = await b.wait()
        except asyncio.BrokenBarrierError:
            log(f"{name} broken, broken={b.broken} n_waiting={b.n_waiting}")
            continue
        log(f"{name} passes as {i}")
        return i


async def main():
    b = asyncio.Barrier(3)
    ts = [asyncio.create_task(party(b, n, d)) for n, d in [("p0", 0), ("p1", 0.125), ("p2", 0.5)]]
    await asyncio.sleep(0.25)
    log(f"reset, n_waiting={b.n_waiting}")
    await b.reset()
    log(f"after reset, broken={b.broken} n_waiting={b.n_waiting}")
    r = await asyncio.gather(*ts)
    log(f"end {r} broken={b.broken} n_waiting={b.n_waiting}")

run(main())
