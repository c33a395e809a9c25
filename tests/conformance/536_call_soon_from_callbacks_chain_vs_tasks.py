# Rules 1, 2: call_soon from a callback enters the next pass; tasks woken in this pass run before it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def t(name):
    log(f"{name} step 1")
    await asyncio.sleep(0)
    log(f"{name} step 2")


def cb(loop, n):
    log(f"cb {n}")
    if n < 3:
        loop.call_soon(cb, loop, n + 1)


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(cb, loop, 1)
    a = asyncio.create_task(t("a"))
    b = asyncio.create_task(t("b"))
    await asyncio.gather(a, b)
    log("end")

run(main())
