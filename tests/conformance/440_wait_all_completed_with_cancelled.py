# Rule 12: wait(ALL_COMPLETED) counts a task cancelled meanwhile as done; its cancellation is read from the task.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    ts = [asyncio.create_task(job(n, d)) for n, d in (("a", 1), ("b", 2), ("c", 3))]
    loop = asyncio.get_running_loop()
    loop.call_later(1.5, ts[2].cancel)
    done, pending = await asyncio.wait(ts)
    log(f"done={len(done)} pending={len(pending)}")
    for i, t in enumerate(ts):
        log(f"t{i} cancelled={t.cancelled()}")

run(main())
