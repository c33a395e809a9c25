# Rules 1, 2, 5: current_task() is None outside a task step (in call_soon, call_later and a done-callback) and is the task inside one; all_tasks() holds only tasks not yet done: a finished task and a cancelled one drop out once done, a task whose cancellation is queued is still in it until that step runs.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def who(where):
    t = asyncio.current_task()
    log(f"{where}: current_task {None if t is None else t.get_name()}")


def live():
    return sorted(t.get_name() for t in asyncio.all_tasks())


async def worker(d):
    who("worker step")
    await asyncio.sleep(d)
    return d


async def main():
    asyncio.current_task().set_name("main")
    loop = asyncio.get_running_loop()
    loop.call_soon(who, "call_soon")
    loop.call_later(0.125, who, "call_later")
    a = asyncio.create_task(worker(0.25), name="a")
    b = asyncio.create_task(worker(1.0), name="b")
    a.add_done_callback(lambda t: who(f"done-callback of {t.get_name()}"))
    log(f"live {live()}")
    await asyncio.sleep(0)
    log(f"after one step, live {live()}")
    b.cancel()
    log(f"b cancel requested, live {live()} b done={b.done()}")
    await asyncio.sleep(0)
    log(f"b unwound, live {live()} b cancelled={b.cancelled()}")
    await asyncio.sleep(0.375)
    log(f"a finished, live {live()} a done={a.done()}")
    who("main")

run(main())
