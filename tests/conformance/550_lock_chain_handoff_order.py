# Rule 9: five tasks contend for a Lock, each holding it across a sleep: FIFO order, one every 125ms.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def user(lock, name):
    async with lock:
        log(f"{name} holds")
        await asyncio.sleep(0.125)


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(user(lock, f"u{i}") for i in range(5)))
    log("end")

run(main())
