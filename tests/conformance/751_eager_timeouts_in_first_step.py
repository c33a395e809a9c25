# Eager tasks (3.12): a timeout or wait_for entered in an eager first step: one that ends before its deadline without suspending leaves the task done at spawn; one that expires fires later as for any task.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fast():
    return "fast"


async def bounded_quick():
    async with asyncio.timeout(1):
        log("inside timeout, no await")
    r = await asyncio.wait_for(fast(), 1)
    log(f"wait_for gave {r}")
    return "quick"


async def bounded_slow():
    try:
        async with asyncio.timeout(0.2):
            log("slow enters timeout")
            await asyncio.sleep(1)
    except TimeoutError:
        log("slow timed out")
    try:
        await asyncio.wait_for(asyncio.sleep(1), 0.1)
    except TimeoutError:
        log("wait_for timed out")
    return "slow"


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    q = asyncio.create_task(bounded_quick())
    log(f"quick created, done {q.done()}")
    s = asyncio.create_task(bounded_slow())
    log(f"slow created, done {s.done()}")
    log(f"results {await q} {await s}")


run(main())
