# Rules 7, 12: a TaskGroup child cancels the task that holds the group (a stop button inside the group): the body's await is cancelled, the group cancels the remaining children and waits for them, then the holder's CancelledError propagates (no ExceptionGroup); the holder's awaiter sees it cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def stopper(holder, d):
    await asyncio.sleep(d)
    log(f"stopper cancels the holder, cancel() -> {holder.cancel()}")


async def holder():
    me = asyncio.current_task()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("quick", 0.125))
            tg.create_task(child("slow", 1.0))
            tg.create_task(stopper(me, 0.25))
            try:
                await asyncio.sleep(2)
            except asyncio.CancelledError:
                log(f"body cancelled, cancelling={me.cancelling()}")
                raise
    except asyncio.CancelledError:
        log(f"group left with CancelledError, cancelling={me.cancelling()}")
        raise


async def main():
    h = asyncio.create_task(holder())
    try:
        await h
    except asyncio.CancelledError:
        log(f"holder cancelled={h.cancelled()}")

run(main())
