# Eager tasks (3.12): a task that suspends at its first await ran its first line inside create_task (before the creator's next line), then goes on as any task, queued behind what is ready.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(n):
    log(f"child {n} first step")
    await asyncio.sleep(0)
    log(f"child {n} second step")
    await asyncio.sleep(0.1)
    log(f"child {n} after sleep")
    return n


async def lazy():
    log("lazy first step")
    await asyncio.sleep(0)
    log("lazy second step")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    a = asyncio.create_task(child(1))
    log(f"a created, done {a.done()}")
    b = asyncio.create_task(child(2))
    log("b created")
    loop.set_task_factory(None)
    c = asyncio.create_task(lazy())
    log("lazy created (not eager)")
    await asyncio.sleep(0)
    log("main after sleep(0)")
    log(f"results {await a} {await b}")
    await c


run(main())
