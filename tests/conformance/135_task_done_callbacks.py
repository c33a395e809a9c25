# Rule 5: done callbacks on tasks run one slot after the task ends, interleaved with its awaiters in registration order; a cancelled task's callback sees cancelled().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} finished")
    return name * 2


def report(t):
    if t.cancelled():
        log(f"callback: {t.get_name()} cancelled")
    else:
        log(f"callback: {t.get_name()} -> {t.result()}")


async def watcher(t):
    log(f"watcher got {await t}")


async def main():
    a = asyncio.create_task(work("a", 1), name="A")
    a.add_done_callback(report)
    w = asyncio.create_task(watcher(a))
    await asyncio.sleep(0)
    a.add_done_callback(lambda t: log("second callback"))
    log(f"main got {await a}")
    await w
    b = asyncio.create_task(work("b", 1), name="B")
    b.add_done_callback(report)
    await asyncio.sleep(0.5)
    b.cancel()
    await asyncio.sleep(0)
    log(f"b done={b.done()}")
    await asyncio.sleep(0)
    log("end")


run(main())
