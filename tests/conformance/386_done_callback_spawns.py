# Rules 1, 5: a task's done-callback schedules a call_soon and creates a task: both are queued behind the task's awaiters, in the order made.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(0.5)
    log("work ends")
    return 3


async def follow(n):
    log(f"follow-up task got {n}")


async def awaiter(t, name):
    log(f"{name} got {await t}")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(work())
    made = []

    def cb(task):
        log("callback runs")
        loop.call_soon(log, "soon from callback")
        made.append(asyncio.create_task(follow(task.result())))

    a1 = asyncio.create_task(awaiter(t, "a1"))
    await asyncio.sleep(0)
    t.add_done_callback(cb)
    a2 = asyncio.create_task(awaiter(t, "a2"))
    await asyncio.gather(a1, a2)
    await made[0]
    log("end")

run(main())
