# Rules 6, 7: a gather child cancelled from outside makes the gather raise CancelledError; the other children keep running.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def part(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} done")
    return name


async def main():
    a = asyncio.create_task(part("a", 1))
    b = asyncio.create_task(part("b", 2))
    async def canceller():
        await asyncio.sleep(0.5)
        a.cancel()
    asyncio.create_task(canceller())
    try:
        await asyncio.gather(a, b)
    except asyncio.CancelledError:
        log(f"gather raised CancelledError, b done={b.done()}")
    log(f"b -> {await b}")


run(main())
