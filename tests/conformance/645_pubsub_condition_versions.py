# Rules 7, 9: pub/sub on a Condition: a publisher bumps a version and notify_all()s; subscribers wait_for(version > seen): a slow one skips the versions it missed; one cancelled mid-wait leaves the others notified; a final None ends the rest.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


state = {"version": 0, "value": None}


async def subscriber(cond, name, pause):
    seen = 0
    try:
        while True:
            async with cond:
                await cond.wait_for(lambda: state["version"] > seen)
                seen = state["version"]
                value = state["value"]
            if value is None:
                log(f"{name} sees the end at version {seen}")
                return seen
            log(f"{name} got {value} (version {seen})")
            if pause:
                await asyncio.sleep(pause)
    except asyncio.CancelledError:
        log(f"{name} unsubscribed at version {seen}")
        raise


async def publish(cond, value):
    async with cond:
        state["version"] += 1
        state["value"] = value
        log(f"publish {value} v{state['version']}")
        cond.notify_all()


async def main():
    cond = asyncio.Condition()
    subs = [
        asyncio.create_task(subscriber(cond, "fast", 0)),
        asyncio.create_task(subscriber(cond, "slow", 0.375)),
        asyncio.create_task(subscriber(cond, "quitter", 0)),
    ]
    await asyncio.sleep(0)
    for i, value in enumerate(["a", "b", "c"]):
        await publish(cond, value)
        await asyncio.sleep(0.125)
        if i == 0:
            subs[2].cancel()
    await publish(cond, None)
    r = await asyncio.gather(*subs, return_exceptions=True)
    log(f"results {[x if isinstance(x, int) else type(x).__name__ for x in r]}")

run(main())
