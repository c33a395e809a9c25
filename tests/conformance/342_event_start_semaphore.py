# Rules 8, 9: an Event as a starting gun for tasks behind Semaphore(2): all wake in wait order, two at a time go through.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def runner(name, start, sem):
    await start.wait()
    log(f"{name} off")
    async with sem:
        log(f"{name} running")
        await asyncio.sleep(1)
    log(f"{name} finished")


async def main():
    start = asyncio.Event()
    sem = asyncio.Semaphore(2)
    rs = [asyncio.create_task(runner(f"r{i}", start, sem)) for i in range(4)]
    await asyncio.sleep(0.5)
    log("bang")
    start.set()
    await asyncio.gather(*rs)

run(main())
