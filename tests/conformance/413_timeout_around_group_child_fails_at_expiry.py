# Rules 4, 11, 12: a timeout around a TaskGroup expires in the pass a child fails (the child first): the expiry aborts the group, whose ExceptionGroup passes through the timeout (no TimeoutError), expired() True.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as cm:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child("a", 1, True))
                tg.create_task(child("b", 2))
                await asyncio.sleep(0)
                cm.reschedule(loop.time() + 1)
                log("body ends")
        log("never")
    except* TimeoutError:
        log(f"timed out, expired={cm.expired()}")
    except* ValueError as eg:
        log(f"group failed {[str(e) for e in eg.exceptions]}, expired={cm.expired()}")
    try:
        async with asyncio.timeout(1) as cm2:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(child("c", 1, True))
                tg.create_task(child("d", 2))
    except* TimeoutError:
        log(f"timed out, expired={cm2.expired()}")
    except* ValueError as eg:
        log(f"group failed {[str(e) for e in eg.exceptions]}, expired={cm2.expired()}")
    log("end")

run(main())
