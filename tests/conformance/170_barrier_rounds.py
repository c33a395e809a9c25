# Rule 9: a Barrier(2) used for three rounds by parties of different speeds; the last arrival passes first each round.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def runner(b, name, step):
    for r in range(3):
        await asyncio.sleep(step)
        log(f"{name} at round {r}, waiting={b.n_waiting}")
        i = await b.wait()
        log(f"{name} passes round {r} as {i}")


async def main():
    b = asyncio.Barrier(2)
    await asyncio.gather(runner(b, "fast", 0.25), runner(b, "slow", 0.75))
    log(f"done, waiting={b.n_waiting}")


run(main())
