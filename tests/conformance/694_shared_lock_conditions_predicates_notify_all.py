# Rules 7, 9: two Conditions over one Lock with wait_for(predicate): notify_all() on one wakes only its own waiters, each re-checks its predicate under the shared lock in turn and a waiter whose predicate is still false waits again; the other condition's waiters sleep on until notified; a waiter cancelled while re-checking leaves no lock held.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, state, name, key, need):
    try:
        async with cond:
            await cond.wait_for(lambda: (log(f"{name} checks {key}={state[key]}") or state[key] >= need))
            log(f"{name} proceeds with {key}={state[key]}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={cond.locked()}")
        raise


async def main():
    lock = asyncio.Lock()
    ca = asyncio.Condition(lock)
    cb = asyncio.Condition(lock)
    state = {"a": 0, "b": 0}
    ts = [
        asyncio.create_task(waiter(ca, state, "a1", "a", 1)),
        asyncio.create_task(waiter(ca, state, "a2", "a", 2)),
        asyncio.create_task(waiter(cb, state, "b1", "b", 1)),
        asyncio.create_task(waiter(ca, state, "a3", "a", 2)),
    ]
    await asyncio.sleep(0.125)
    async with lock:
        state["a"] = 1
        ca.notify_all()
        log("a=1, notify_all on a")
    await asyncio.sleep(0.125)
    ts[3].cancel()
    log("cancelled a3")
    await asyncio.sleep(0.125)
    async with cb:
        state["a"] = 2
        state["b"] = 1
        cb.notify_all()
        log("a=2 b=1, notify_all on b only")
    await asyncio.sleep(0.125)
    log(f"a2 done={ts[1].done()}")
    async with ca:
        ca.notify_all()
        log("notify_all on a")
    r = await asyncio.gather(*ts, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]} locked={lock.locked()}")

run(main())
