# Rules 9, 11: the polling loop of a background service: while the stop Event is not set, wait_for(stop.wait(), 0.25); each expiry is a tick of work; set between ticks, the loop ends at once, before its next tick; a second service started after the set never ticks.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def service(name, stop):
    ticks = 0
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
            log(f"{name} sees stop")
        except TimeoutError:
            ticks += 1
            log(f"{name} tick {ticks}")
    log(f"{name} stopped after {ticks} ticks")
    return ticks


async def main():
    stop = asyncio.Event()
    s = asyncio.create_task(service("s1", stop))
    await asyncio.sleep(0.625)
    stop.set()
    log("stop set")
    late = asyncio.create_task(service("s2", stop))
    log(f"results {await asyncio.gather(s, late)}")

run(main())
