# Rules 5, 1: Task.remove_done_callback removes every registration of the callback, wherever it sits among the task's awaiters and other callbacks; the rest are woken in registration order; on a done task it removes nothing.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work():
    await asyncio.sleep(0.125)
    log("work ends")
    return "v"


async def waiter(t):
    log(f"waiter got {await t}")


async def main():
    asyncio.current_task().set_name("main")
    t = asyncio.create_task(work(), name="work")

    def a(t):
        log(f"a sees {t.result()}")

    def b(t):
        log(f"b sees {t.result()}")

    t.add_done_callback(a)
    w = asyncio.create_task(waiter(t), name="waiter")
    await asyncio.sleep(0)
    t.add_done_callback(b)
    t.add_done_callback(a)
    log(f"remove a returns {t.remove_done_callback(a)}")
    log(f"remove b returns {t.remove_done_callback(b)}")
    t.add_done_callback(b)
    await w
    log(f"remove b after the end returns {t.remove_done_callback(b)}")
    log("end")

run(main())
