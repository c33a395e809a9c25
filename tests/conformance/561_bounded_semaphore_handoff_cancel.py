# Rules 7, 8: BoundedSemaphore(2): a waiter handed a permit and cancelled before it runs passes it on; over-release is refused only when all permits are back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, hold):
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        log(f"{name} cancelled while waiting")
        raise
    log(f"{name} acquired")
    await asyncio.sleep(hold)
    sem.release()
    log(f"{name} released")


async def main():
    sem = asyncio.BoundedSemaphore(2)
    a = asyncio.create_task(user(sem, "a", 0.25))
    b = asyncio.create_task(user(sem, "b", 0.125))
    c = asyncio.create_task(user(sem, "c", 0.125))
    d = asyncio.create_task(user(sem, "d", 0.125))
    await asyncio.sleep(0.125)
    log("b's release is due")
    await asyncio.sleep(0)
    c.cancel()
    await asyncio.gather(a, b, d, return_exceptions=True)
    try:
        sem.release()
    except ValueError as e:
        log(f"release: {e}")
    log(f"c cancelled={c.cancelled()}")

run(main())