# Rules 1, 7: task names: unnamed tasks number Task-N in creation order, create_task(name=) keeps the given name; current_task() inside a task is it; a task's name read from a done-callback.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def show():
    log(f"running {asyncio.current_task().get_name()}")
    await asyncio.sleep(0)


async def main():
    asyncio.current_task().set_name("main")
    a = asyncio.create_task(show())
    b = asyncio.create_task(show(), name="named")
    c = asyncio.create_task(show())
    for t in (a, b, c):
        t.add_done_callback(lambda t: log(f"{t.get_name()} done"))
    log(f"names {[t.get_name() for t in (a, b, c)]}")
    await asyncio.gather(a, b, c)
    log("end")

run(main())
