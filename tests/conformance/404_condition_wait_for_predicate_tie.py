# Rules 4, 9, 11: wait_for(cond.wait_for(pred), t) whose deadline ties with the notifier's sleep: the earlier-armed timer decides; a waiter armed first times out, one armed after sees the predicate true.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(cond, box, name, limit):
    try:
        async with cond:
            await asyncio.wait_for(cond.wait_for(lambda: box[0] > 0), limit)
            log(f"{name} sees {box[0]}")
    except TimeoutError:
        log(f"{name} timed out")


async def producer(cond, box):
    await asyncio.sleep(1)
    async with cond:
        box[0] += 1
        cond.notify_all()
        log("produced")


async def main():
    cond = asyncio.Condition()
    box = [0]
    early = asyncio.create_task(consumer(cond, box, "early", 1))
    p = asyncio.create_task(producer(cond, box))
    late = asyncio.create_task(consumer(cond, box, "late", 1))
    await asyncio.gather(early, p, late)
    log(f"locked={cond.locked()}")

run(main())
