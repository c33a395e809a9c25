# Rules 5, 12: as_completed over tasks and a bare future: the future, set by a task, comes in its completion order among the tasks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} finished")
    return name


async def setter(f):
    await asyncio.sleep(0.25)
    f.set_result("fut")
    log("future set")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    s = asyncio.create_task(setter(f))
    for c in asyncio.as_completed([asyncio.create_task(work("a", 0.375)), f, asyncio.create_task(work("b", 0.125))]):
        log(f"got {await c}")
    await s

run(main())