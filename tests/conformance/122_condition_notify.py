# Rule 9: Condition: consumers wait_for a predicate; notify(1) wakes the longest waiter, notify_all the rest, each re-acquiring the lock in turn.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(cond, items, name):
    async with cond:
        await cond.wait_for(lambda: items)
        item = items.pop(0)
        log(f"{name} took {item}")
        await asyncio.sleep(0.25)
        log(f"{name} leaves")


async def main():
    cond = asyncio.Condition()
    items = []
    cs = [asyncio.create_task(consumer(cond, items, f"c{i}")) for i in range(4)]
    await asyncio.sleep(1)
    async with cond:
        items.append("first")
        cond.notify(1)
        log("notified one")
    await asyncio.sleep(1)
    async with cond:
        items.extend(["second", "third", "fourth"])
        cond.notify_all()
        log("notified all")
    await asyncio.gather(*cs)
    try:
        cond.notify()
    except RuntimeError as e:
        log(f"RuntimeError: {e}")


run(main())
