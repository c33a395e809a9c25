# Rule 5: a task's add_done_callback after it finished is scheduled one slot later; callbacks on a cancelled task see cancelled() True.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(v):
    await asyncio.sleep(0.5)
    return v


async def main():
    t = asyncio.create_task(work(1))
    await t
    t.add_done_callback(lambda x: log(f"late callback: {x.result()}"))
    log("added after done")
    await asyncio.sleep(0)
    log("one yield later")
    c = asyncio.create_task(work(2))
    c.add_done_callback(lambda x: log(f"c callback: cancelled={x.cancelled()}"))
    await asyncio.sleep(0)
    c.cancel()
    c.add_done_callback(lambda x: log("c second callback"))
    await asyncio.sleep(0)
    log(f"c done={c.done()}")
    await asyncio.sleep(0)
    log("end")

run(main())
