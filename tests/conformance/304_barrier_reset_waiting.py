# Rule 9: Barrier.reset() breaks the round for the tasks waiting (BrokenBarrierError) and makes the barrier usable again.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name, delay):
    await asyncio.sleep(delay)
    try:
        i = await b.wait()
        log(f"{name} passed as {i}")
    except asyncio.BrokenBarrierError:
        log(f"{name}: broken")


async def main():
    b = asyncio.Barrier(3)
    first = [asyncio.create_task(party(b, f"p{i}", 0.5)) for i in range(2)]
    await asyncio.sleep(1)
    log(f"waiting={b.n_waiting}")
    await b.reset()
    log(f"reset, broken={b.broken} waiting={b.n_waiting}")
    await asyncio.gather(*first)
    log(f"after the broken round broken={b.broken}")
    second = [asyncio.create_task(party(b, f"q{i}", 0.25 * i)) for i in range(3)]
    await asyncio.gather(*second)
    log(f"second round done, waiting={b.n_waiting}")

run(main())
