# Rule 12: as_completed with a timeout over a failing, a finishing and a slow task: the failure raises from its await, the result comes next, then TimeoutError for the slow one, which keeps running.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} fails")
        raise KeyError(name)
    log(f"{name} done")
    return name


async def main():
    slow = asyncio.create_task(job("slow", 3))
    ts = [asyncio.create_task(job("bad", 0.5, True)),
          asyncio.create_task(job("good", 1)),
          slow]
    for f in asyncio.as_completed(ts, timeout=2):
        try:
            log(f"got {await f}")
        except KeyError as e:
            log(f"failure {e}")
        except TimeoutError:
            log(f"timeout, slow done={slow.done()}")
    log(f"slow result {await slow}")

run(main())
