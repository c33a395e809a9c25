# Rules 2, 3: two loops print until loop.time() reaches their end time (the lectures' display_date with fixed sleeps); the clock only moves when both wait.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def display_date(who, step, end):
    loop = asyncio.get_running_loop()
    end_time = loop.time() + end
    while True:
        log(f"loop {who}: tick")
        if loop.time() + step >= end_time:
            break
        await asyncio.sleep(step)
    log(f"loop {who}: ends")


async def main():
    await asyncio.gather(display_date(1, 0.75, 3), display_date(2, 0.5, 2))


run(main())
