# Rule 9: Lock is FIFO: after release the woken waiter goes first, a newcomer queues behind; releasing an unlocked lock is an error; locked() reports.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(lock, name, hold):
    async with lock:
        log(f"{name} holds")
        await asyncio.sleep(hold)
    log(f"{name} released")


async def late(lock):
    await asyncio.sleep(1)
    log(f"late asks, locked={lock.locked()}")
    async with lock:
        log("late holds")


async def main():
    lock = asyncio.Lock()
    ts = [asyncio.create_task(user(lock, f"u{i}", 1)) for i in range(3)]
    ts.append(asyncio.create_task(late(lock)))
    await asyncio.gather(*ts)
    try:
        lock.release()
    except RuntimeError as e:
        log(f"RuntimeError: {e}")


run(main())
