# Rules 1, 5: a call_soon chain (a callback scheduling the next) interleaves with task steps one slot at a time.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


def chain(loop, n):
    log(f"callback {n}")
    if n < 3:
        loop.call_soon(chain, loop, n + 1)


async def stepper(name, n):
    for i in range(n):
        log(f"{name} step {i}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(stepper("t", 4))
    loop.call_soon(chain, loop, 0)
    await stepper("main", 3)
    await t

run(main())
