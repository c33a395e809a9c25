# Rules 1, 2: three tasks looping on sleep(0) take turns in creation order; one finishing early leaves the others alternating.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def spinner(name, n):
    for i in range(n):
        log(f"{name}{i}")
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(spinner("a", 2), spinner("b", 4), spinner("c", 3))
    log("end")

run(main())
