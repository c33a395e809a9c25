# Rules 2, 4: timers at one deadline armed from a task, a call_soon callback and a timer callback fire in arming order; a sleep armed between them takes its place.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper(name, d):
    await asyncio.sleep(d)
    log(f"{name} wakes")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(1, log, "A from main")
    loop.call_soon(lambda: loop.call_later(1, log, "B from soon"))
    t = asyncio.create_task(sleeper("S", 1))
    loop.call_later(0.5, lambda: loop.call_later(0.5, log, "C from timer"))
    loop.call_at(loop.time() + 1, log, "D at")
    await asyncio.sleep(0)
    loop.call_later(1, log, "E after sleep0")
    await t
    await asyncio.sleep(0)
    log("end")

run(main())
