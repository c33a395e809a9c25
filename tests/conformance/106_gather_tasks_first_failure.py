# Rule 6: gather over existing tasks raises the first failure when it happens (not in argument order); return_exceptions waits for all.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fail_after(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} raising")
    raise ValueError(name)


async def main():
    t1 = asyncio.create_task(fail_after("t1", 2))
    t2 = asyncio.create_task(fail_after("t2", 1))
    try:
        await asyncio.gather(t1, t2)
    except ValueError as e:
        log(f"gather raised ValueError({e})")
    r = await asyncio.gather(t1, t2, return_exceptions=True)
    log(f"return_exceptions: {r!r}")


run(main())
