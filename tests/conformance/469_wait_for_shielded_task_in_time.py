# Rules 11, 12: wait_for over shield(task) that finishes in time returns its result; a second wait_for that expires leaves the task running.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    await asyncio.sleep(d)
    log(f"{name} done")
    return name


async def main():
    t = asyncio.create_task(job("t", 0.25))
    r = await asyncio.wait_for(asyncio.shield(t), 0.5)
    log(f"got {r}")
    u = asyncio.create_task(job("u", 0.75))
    try:
        await asyncio.wait_for(asyncio.shield(u), 0.5)
    except TimeoutError:
        log(f"timed out, u done={u.done()} cancelled={u.cancelled()}")
    log(f"u -> {await u}")

run(main())
