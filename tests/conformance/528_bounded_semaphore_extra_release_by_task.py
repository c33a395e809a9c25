# Rule 8: a task releasing a BoundedSemaphore it never acquired, while another holds it: the waiter gets in at once; the holder's release then fails.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def holder(sem):
    async with sem:
        log("holder in")
        await asyncio.sleep(0.25)
    log("holder out")


async def rogue(sem):
    await asyncio.sleep(0.125)
    sem.release()
    log(f"rogue released, value={sem._value}")


async def waiter(sem):
    async with sem:
        log("waiter in")
        await asyncio.sleep(0.25)
    log("waiter out")


async def main():
    sem = asyncio.BoundedSemaphore(1)
    ts = [asyncio.create_task(holder(sem)), asyncio.create_task(waiter(sem)), asyncio.create_task(rogue(sem))]
    res = await asyncio.gather(*ts, return_exceptions=True)
    log(repr(res))
    log(f"value={sem._value}")

run(main())
