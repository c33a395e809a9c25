# Rules 1, 5: a task created from a done-callback starts after the callbacks and awaiters queued before it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name):
    log(f"{name} runs")
    return name


async def first():
    await asyncio.sleep(0.25)
    log("first ends")


async def awaiter(t):
    await t
    log("awaiter resumed")


async def main():
    spawned = []
    t = asyncio.create_task(first())
    t.add_done_callback(lambda _: spawned.append(asyncio.create_task(job("from-callback"))))
    a = asyncio.create_task(awaiter(t))
    t.add_done_callback(lambda _: log("cb2"))
    await t
    log("main resumed")
    await asyncio.sleep(0)
    log("main after sleep0")
    await spawned[0]
    await a

run(main())
