# Rules 11, 12: TaskGroup children extend their own timeouts with reschedule(); one is cut short by reschedule into the past; their TimeoutErrors stay inside them, the group ends normally.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, plan):
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(1) as cm:
            for step, extra in plan:
                await asyncio.sleep(step)
                cm.reschedule(loop.time() + extra)
                log(f"{name} moved its deadline by {extra}")
            await asyncio.sleep(5)
    except TimeoutError:
        log(f"{name} timed out, expired={cm.expired()}")
        return name


async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(child("a", [(0.5, 1), (0.75, 1)]))
        b = tg.create_task(child("b", [(0.5, -1)]))
        c = tg.create_task(child("c", []))
    log(f"group done: {[t.result() for t in (a, b, c)]}")

run(main())
