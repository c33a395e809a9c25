# Rule 5: a chain of futures, each set by a done-callback of the one before: one slot per link; a task awaiting the last resumes one slot after it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def watch(f, name):
    r = await f
    log(f"{name} got {r}")


async def main():
    loop = asyncio.get_running_loop()
    futs = [loop.create_future() for _ in range(4)]
    for a, b in zip(futs, futs[1:]):
        a.add_done_callback(lambda f, b=b: (log(f"link sets {f.result() + 1}"), b.set_result(f.result() + 1)))
    ws = [asyncio.create_task(watch(futs[-1], "last")), asyncio.create_task(watch(futs[0], "first"))]
    await asyncio.sleep(0)
    loop.call_soon(log, "before")
    futs[0].set_result(0)
    loop.call_soon(log, "after")
    await asyncio.gather(*ws)
    log("end")

run(main())
