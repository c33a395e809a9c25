# Rules 1, 5: a future's done-callbacks are plain callbacks, not tasks: all_tasks() does not list them and they take no Task-N number.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.add_done_callback(lambda fut: log(f"callback 1, tasks={len(asyncio.all_tasks())}"))
    f.add_done_callback(lambda fut: log("callback 2"))
    f.set_result(1)
    await asyncio.sleep(0)
    t = asyncio.create_task(asyncio.sleep(0))
    log(f"next task is {t.get_name()}, tasks={len(asyncio.all_tasks())}")
    await t


run(main())
