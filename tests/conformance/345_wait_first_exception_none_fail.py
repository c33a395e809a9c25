# Rule 12: wait(FIRST_EXCEPTION) with no failure waits for all; with a failure it returns at once, pending cancelled by hand.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    ts = [asyncio.create_task(job("a", 0.5)), asyncio.create_task(job("b", 1))]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    log(f"no failure: done {len(done)} pending {len(pending)}")
    ts = [asyncio.create_task(job("c", 1)), asyncio.create_task(job("d", 0.5, fail=True)),
          asyncio.create_task(job("e", 2))]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    log(f"failure: done {len(done)} pending {len(pending)}")
    for t in pending:
        t.cancel()
    await asyncio.wait(pending)
    log(f"c cancelled={ts[0].cancelled()} e cancelled={ts[2].cancelled()}")

run(main())
