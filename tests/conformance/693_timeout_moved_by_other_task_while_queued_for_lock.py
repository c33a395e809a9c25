# Rules 9, 11: a timeout() around acquiring a Lock, moved by another task while its holder waits in the lock's line: moved later, the waiter gets the lock in time; moved earlier, it expires in the line and leaves it, so the next waiter gets the lock on release; when() and expired() read by the mover.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def queued(lock, name, limit, handles):
    try:
        async with asyncio.timeout(limit) as cm:
            handles[name] = cm
            async with lock:
                log(f"{name} has the lock, when={round(cm.when() * 1000)}")
                await asyncio.sleep(0.125)
        log(f"{name} done")
    except TimeoutError:
        log(f"{name} gave up in the line, expired={cm.expired()} locked={lock.locked()}")


async def holder(lock):
    async with lock:
        log("holder has the lock")
        await asyncio.sleep(0.5)
        log("holder releases")


async def main():
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    handles = {}
    ts = [asyncio.create_task(holder(lock))]
    ts += [asyncio.create_task(queued(lock, n, 0.375, handles)) for n in ("early", "late", "last")]
    await asyncio.sleep(0.125)
    handles["early"].reschedule(loop.time() + 1)
    handles["late"].reschedule(loop.time() + 0.125)
    log(f"moved: early when={round(handles['early'].when() * 1000)} late when={round(handles['late'].when() * 1000)}")
    await asyncio.sleep(0.125)
    log(f"late expired={handles['late'].expired()} last expired={handles['last'].expired()}")
    await asyncio.gather(*ts)
    log(f"end locked={lock.locked()} early expired={handles['early'].expired()}")

run(main())
