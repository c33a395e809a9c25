# Rules 9, 12: an alarm fans out to responders in a TaskGroup waiting on one Event; all wake in wait order, the first to take the Lock claims the job, the others see it claimed; a responder that arrives after the set does not wait at all.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def responder(alarm, lock, claimed, name, delay):
    await asyncio.sleep(delay)
    log(f"{name} waits, set={alarm.is_set()}")
    await alarm.wait()
    async with lock:
        if claimed:
            log(f"{name} sees it claimed by {claimed[0]}")
            return
        await asyncio.sleep(0.125)
        claimed.append(name)
        log(f"{name} claims the job")


async def main():
    alarm, lock, claimed = asyncio.Event(), asyncio.Lock(), []
    async with asyncio.TaskGroup() as tg:
        for name, delay in [("r1", 0.125), ("r2", 0), ("r3", 0.125), ("late", 0.5)]:
            tg.create_task(responder(alarm, lock, claimed, name, delay))
        await asyncio.sleep(0.25)
        alarm.set()
        log("alarm set")
    log(f"group done, claimed={claimed}")

run(main())
