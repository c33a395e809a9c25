# Rules 6, 7: gather (no return_exceptions) over tasks, one cancelled from outside: the gather raises CancelledError to its caller, which is not cancelled; the other children run on.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} done")
    return name


async def main():
    ts = [asyncio.create_task(job(n, d)) for n, d in (("a", 1), ("b", 2), ("c", 3))]
    asyncio.get_running_loop().call_later(1.5, ts[1].cancel)
    try:
        await asyncio.gather(*ts)
    except asyncio.CancelledError:
        log(f"gather raised CancelledError, main cancelling={asyncio.current_task().cancelling()}")
    log(f"c done={ts[2].done()}")
    log(f"c result {await ts[2]}")

run(main())
