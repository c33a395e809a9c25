# Rule 5: a future's done-callbacks and awaiting tasks wake in registration order, interleaved; a callback added after set_result but before it runs goes after the others.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def awaiter(f, name):
    v = await f
    log(f"{name} got {v}")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.add_done_callback(lambda f: log("cb1"))
    a = asyncio.create_task(awaiter(f, "a"))
    await asyncio.sleep(0)
    f.add_done_callback(lambda f: log("cb2"))
    b = asyncio.create_task(awaiter(f, "b"))
    await asyncio.sleep(0)
    f.set_result(5)
    f.add_done_callback(lambda f: log("cb3"))
    log("set")
    await asyncio.gather(a, b)
    log("end")

run(main())
