# Rule 9: Condition.wait_for with notify(2) while only one predicate holds: the other waiter re-checks and waits again; notify_all later releases it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, state, name, want):
    async with cond:
        await cond.wait_for(lambda: state["n"] >= want)
        log(f"{name} passed n={state['n']}")


async def main():
    cond = asyncio.Condition()
    state = {"n": 0}
    ts = [asyncio.create_task(waiter(cond, state, f"w{w}", w)) for w in (1, 2, 1)]
    await asyncio.sleep(0)
    async with cond:
        state["n"] = 1
        woke = cond.notify(2)
        log(f"notify(2) n=1")
    await asyncio.sleep(0.125)
    async with cond:
        state["n"] = 2
        cond.notify_all()
        log("notify_all n=2")
    await asyncio.gather(*ts)
    log("end")

run(main())