# Rule 9: Condition.wait_for re-checks its predicate on every wake-up: a notify_all that leaves it false puts the waiter back in line.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def consumer(cond, state, name, need):
    async with cond:
        log(f"{name} wants {need}")
        await cond.wait_for(lambda: state["n"] >= need)
        log(f"{name} sees {state['n']}")


async def main():
    cond = asyncio.Condition()
    state = {"n": 0}
    ts = [asyncio.create_task(consumer(cond, state, f"c{need}", need)) for need in (3, 1, 2)]
    for i in range(3):
        await asyncio.sleep(0.5)
        async with cond:
            state["n"] += 1
            cond.notify_all()
            log(f"n={state['n']}")
    await asyncio.gather(*ts)
    async with cond:
        r = await cond.wait_for(lambda: "already")
        log(f"true at once: {r}")

run(main())
