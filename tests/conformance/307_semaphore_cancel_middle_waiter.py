# Rules 7, 8: a Semaphore waiter in the middle of the line is cancelled; the release goes to the next one in line.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name):
    try:
        async with sem:
            log(f"{name} holds")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled while waiting")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    ts = [asyncio.create_task(user(sem, f"u{i}")) for i in range(4)]
    await asyncio.sleep(0.5)
    ts[1].cancel()
    await asyncio.sleep(0)
    log(f"u1 cancelled={ts[1].cancelled()}")
    ts[2].cancel()
    await asyncio.gather(*ts, return_exceptions=True)
    log(f"value={sem._value}")

run(main())
