# Rules 11, 12: wait_for over a shielded task times out; the task runs on and is awaited later; the shield's outer future is cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save(name, delay):
    log(f"{name} saving")
    await asyncio.sleep(delay)
    log(f"{name} saved")
    return name.upper()


async def main():
    t = asyncio.create_task(save("doc", 2))
    try:
        await asyncio.wait_for(asyncio.shield(t), 1)
    except TimeoutError:
        log(f"timed out, task done={t.done()} cancelled={t.cancelled()}")
    log(f"later: {await t}")
    u = asyncio.create_task(save("fast", 0.5))
    r = await asyncio.wait_for(asyncio.shield(u), 1)
    log(f"in time: {r}")

run(main())
