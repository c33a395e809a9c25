# Rules 3, 11: one absolute deadline passed down a call chain, each level under timeout_at(deadline): the innermost timer and the outer ones share the instant, the outermost raises; a chain that finishes in time returns normally; a call made at the deadline runs its body down to the first real suspension, then fails.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def level(name, deadline, depth, work):
    async with asyncio.timeout_at(deadline):
        log(f"{name} enters depth {depth}")
        if depth == 0:
            await asyncio.sleep(work)
            log(f"{name} work done")
            return name
        return await level(name, deadline, depth - 1, work)


async def call(name, deadline, work):
    try:
        r = await level(name, deadline, 2, work)
        log(f"{name} -> {r}")
    except TimeoutError:
        log(f"{name} TimeoutError")


async def main():
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.5
    await asyncio.gather(call("fast", deadline, 0.25), call("slow", deadline, 1.0), call("exact", deadline, 0.5))
    log("after the first batch")
    await call("late", deadline, 0.125)
    log("end")

run(main())
