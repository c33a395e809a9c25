# Rule 9: Condition.wait_for(pred) with two notifiers: a notify that leaves the predicate false puts the waiter back in line; a later notify_all satisfies it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, state, name, need):
    async with cond:
        await cond.wait_for(lambda: state["n"] >= need)
        log(f"{name} sees n={state['n']}")


async def bump(cond, state, d, by, all_):
    await asyncio.sleep(d)
    async with cond:
        state["n"] += by
        if all_:
            cond.notify_all()
        else:
            cond.notify()
        log(f"bumped to {state['n']} ({'all' if all_ else 'one'})")


async def main():
    cond = asyncio.Condition()
    state = {"n": 0}
    ws = [asyncio.create_task(waiter(cond, state, "w2", 2)), asyncio.create_task(waiter(cond, state, "w1", 1))]
    await asyncio.gather(*ws, bump(cond, state, 1, 1, False), bump(cond, state, 2, 1, False), bump(cond, state, 3, 1, True))

run(main())
