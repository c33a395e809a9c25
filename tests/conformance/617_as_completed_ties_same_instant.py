# Rules 4, 12: as_completed over tasks ending at the same instant yields them in the order their sleeps were armed, whatever the argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} ends")
    return name


async def main():
    a = asyncio.create_task(work("a", 0.25))
    b = asyncio.create_task(work("b", 0.125))
    c = asyncio.create_task(work("c", 0.25))
    for fut in asyncio.as_completed([c, b, a]):
        log(f"got {await fut}")
    log("end")

run(main())
