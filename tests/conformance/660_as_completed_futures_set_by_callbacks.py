# Rules 5, 12: as_completed over tasks and bare futures set by call_later and call_soon callbacks: yielded in completion order, a future set by call_soon before the first await comes first, a future's exception is raised by its await in the loop.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} ends")
    return name


async def main():
    loop = asyncio.get_running_loop()
    f1 = loop.create_future()
    f2 = loop.create_future()
    f3 = loop.create_future()
    loop.call_later(0.25, f1.set_result, "f1")
    loop.call_soon(f2.set_result, "f2")
    loop.call_later(0.125, f3.set_exception, ValueError("f3"))
    aws = [asyncio.create_task(work("t1", 0.125)), f1, f2, f3, asyncio.create_task(work("t2", 0.25))]
    for fut in asyncio.as_completed(aws):
        try:
            log(f"got {await fut}")
        except ValueError as e:
            log(f"raised {e!r}")
    log("end")

run(main())
