# Rules 1, 5: Task.set_name renames a task before its first step, while it runs (itself, through current_task()) and after it ended; get_name and a done-callback read the latest name.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def worker():
    log(f"worker starts as {asyncio.current_task().get_name()}")
    await asyncio.sleep(0.125)
    asyncio.current_task().set_name("renamed-by-self")
    log(f"worker now {asyncio.current_task().get_name()}")
    return 1


async def main():
    asyncio.current_task().set_name("boss")
    t = asyncio.create_task(worker(), name="w")
    t.add_done_callback(lambda t: log(f"callback sees {t.get_name()}"))
    t.set_name("w2")
    log(f"main renamed it {t.get_name()} before its first step")
    await asyncio.sleep(0.25)
    log(f"main sees {t.get_name()} done={t.done()}")
    t.set_name("after-done")
    log(f"renamed after done: {t.get_name()}; main is {asyncio.current_task().get_name()}")

run(main())
