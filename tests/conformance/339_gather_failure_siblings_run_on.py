# Rules 6, 7: gather of coroutines whose first failure arrives while a sibling is still running: the sibling finishes later, unwatched.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    try:
        await asyncio.gather(job("a", 1), job("b", 0.5, fail=True), job("c", 1.5))
    except ValueError as e:
        log(f"gather raised {e}")
    await asyncio.sleep(2)
    log("main after 2")

run(main())
