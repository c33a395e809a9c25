# Rule 9: Condition.wait_for with a predicate already true returns at once, holding the lock, without yielding; a false one waits for a notify.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ticker():
    log("tick")


async def main():
    cond = asyncio.Condition()
    state = {"n": 0}
    k = asyncio.create_task(ticker())
    async with cond:
        r = await cond.wait_for(lambda: True)
        log(f"true at once {r} locked={cond.locked()}")

    async def bump():
        await asyncio.sleep(0.125)
        async with cond:
            state["n"] = 2
            cond.notify_all()
            log("bumped")

    b = asyncio.create_task(bump())
    async with cond:
        r = await cond.wait_for(lambda: state["n"] > 1)
        log(f"waited {r} n={state['n']}")
    await b
    await k

run(main())
