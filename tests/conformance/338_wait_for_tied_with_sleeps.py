# Rules 4, 11: wait_for deadlines tied with sleeps of other tasks: the earlier-armed timer fires first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper(name, d):
    await asyncio.sleep(d)
    log(f"{name} woke")


async def guarded(name, d):
    try:
        await asyncio.wait_for(asyncio.sleep(5), d)
    except TimeoutError:
        log(f"{name} timed out")


async def main():
    ts = [asyncio.create_task(sleeper("s1", 1)), asyncio.create_task(guarded("g1", 1)),
          asyncio.create_task(sleeper("s2", 1)), asyncio.create_task(guarded("g2", 1))]
    await asyncio.gather(*ts)

run(main())
