# Rules 4, 12: wait() and as_completed() timeouts tied with task completions: a task whose timer was armed before the timeout's counts as done; one armed after does not.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} finished")
    return name


async def main():
    early = asyncio.create_task(job("early", 1))
    done, pending = await asyncio.wait([early], timeout=1)
    log(f"wait: done {len(done)} pending {len(pending)}")
    late = [asyncio.create_task(job("x", 0.5))]
    await asyncio.sleep(0)
    late.append(asyncio.create_task(job("y", 0.5)))
    try:
        for f in asyncio.as_completed(late, timeout=0.5):
            log(f"as_completed gave {await f}")
    except TimeoutError:
        log("as_completed timed out")
    await asyncio.gather(*late)
    t = asyncio.create_task(job("tie", 1))
    await asyncio.sleep(0)
    done, pending = await asyncio.wait([t], timeout=1)
    log(f"armed later: done {len(done)} pending {len(pending)}")

run(main())
