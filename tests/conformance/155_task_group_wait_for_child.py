# Rules 11, 12: a TaskGroup child times out inside wait_for and handles it; the group goes on; the group's results are read from the tasks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fetch(name, delay, limit):
    try:
        return await asyncio.wait_for(asyncio.sleep(delay, result=name), timeout=limit)
    except TimeoutError:
        log(f"{name} timed out")
        return None


async def main():
    async with asyncio.TaskGroup() as tg:
        ts = [tg.create_task(fetch(n, d, 1)) for n, d in [("a", 0.5), ("b", 2), ("c", 0.75)]]
        log("all started")
    log(f"results {[t.result() for t in ts]}")


run(main())
