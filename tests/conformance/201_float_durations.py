# Rules 3 and 11: durations and arguments are floats: sleeps of 0.25 and 0.5 s passed as arguments, arithmetic on them, a wait_for of 0.75 s and a timeout of 0.125 s.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name, delay, scale, loud):
    await asyncio.sleep(delay)
    product = delay * scale
    log(f"{name} slept {delay} (x{scale} = {product}, {type(product).__name__})")
    if loud:
        log(f"{name} is loud ({type(loud).__name__})")
    return product


async def slow(delay):
    await asyncio.sleep(delay)
    log("slow finished")


async def main():
    a = asyncio.create_task(worker("a", 0.5, 2, True))
    b = asyncio.create_task(worker("b", 0.25, 1.5, False))
    ra = await a
    rb = await b
    log(f"results {ra} {rb}, total {ra + rb}, half {ra / 2}")
    try:
        await asyncio.wait_for(slow(1.25), 0.75)
    except TimeoutError:
        log("wait_for(0.75) timed out")
    try:
        async with asyncio.timeout(0.125):
            await asyncio.sleep(0.5)
    except TimeoutError:
        log("timeout(0.125) expired")
    await asyncio.sleep(0.0625)
    log("done")
    return [ra, rb, 0.5]


run(main())
