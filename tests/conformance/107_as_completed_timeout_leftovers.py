# Rule 12: as_completed with a timeout yields in completion order, then TimeoutError; the tasks not yielded keep running and stay the caller's.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} done")
    return name


async def main():
    tasks = [asyncio.create_task(job(n, d)) for n, d in [("slow", 3), ("fast", 1), ("mid", 2)]]
    try:
        for fut in asyncio.as_completed(tasks, timeout=2.5):
            log(f"got {await fut}")
    except TimeoutError:
        left = [t.get_name() for t in tasks if not t.done()]
        log(f"timeout; not done: {len(left)}")
    r = await tasks[0]
    log(f"awaited leftover: {r}")


run(main())
