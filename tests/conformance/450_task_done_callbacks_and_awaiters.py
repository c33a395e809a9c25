# Rule 5: a task's done-callbacks and awaiters (direct, gather, wait) run in registration order when it ends; direct awaiters one slot later, combinator callers two.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(1)
    log("work ends")
    return 1


async def direct(t, name):
    await t
    log(f"{name} resumed")


async def via_gather(t):
    await asyncio.gather(t)
    log("gather caller resumed")


async def via_wait(t):
    await asyncio.wait([t])
    log("wait caller resumed")


async def main():
    t = asyncio.create_task(work())
    t.add_done_callback(lambda _: log("cb1"))
    ws = [asyncio.create_task(via_gather(t)), asyncio.create_task(direct(t, "d1")),
          asyncio.create_task(via_wait(t)), asyncio.create_task(direct(t, "d2"))]
    await asyncio.sleep(0)
    t.add_done_callback(lambda _: log("cb2"))
    await asyncio.gather(*ws)

run(main())
