# Rule 11: a timeout whose body first sleeps, then awaits a task: the expiry cancels the awaited task, and the caller waits for it to end.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def main():
    t = asyncio.create_task(job("long", 3))
    try:
        async with asyncio.timeout(1):
            await asyncio.sleep(0.5)
            log("slept, now awaiting the task")
            await t
    except TimeoutError:
        log(f"timeout; task cancelled={t.cancelled()}")
    u = asyncio.create_task(job("short", 0.25))
    try:
        r = await asyncio.wait_for(asyncio.sleep(0.5, result="nap"), timeout=1)
        log(f"wait_for gave {r}")
        r = await asyncio.wait_for(u, timeout=0)
        log(f"zero timeout on finished task: {r}")
    except TimeoutError:
        log("never")
    v = asyncio.create_task(job("running", 1))
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(v, timeout=0)
    except TimeoutError:
        log(f"zero timeout on running task: cancelled={v.cancelled()}")


run(main())
