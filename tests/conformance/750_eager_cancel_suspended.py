# Eager tasks (3.12): cancelling an eager task that suspended delivers at its next step as for any task; cancelling one done at spawn returns False.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def quick():
    log("quick runs")
    return 1


async def worker():
    log("worker first step")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"worker caught {e!r}")
        raise


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    q = asyncio.create_task(quick())
    log(f"cancel quick: {q.cancel()}, cancelled {q.cancelled()}")
    w = asyncio.create_task(worker())
    log(f"cancel worker: {w.cancel('stop')}")
    try:
        await w
    except asyncio.CancelledError:
        log(f"worker cancelled {w.cancelled()}")


run(main())
