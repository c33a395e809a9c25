# Rule 6: an inner gather failing is one failure of an outer gather(return_exceptions=True); the inner's other children run on and the outer waits for its other arguments.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        log(f"{name} fails")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def main():
    inner = asyncio.gather(job("i1", 1, True), job("i2", 2))
    r = await asyncio.gather(inner, job("o1", 1.5), return_exceptions=True)
    log(f"outer {[str(x) for x in r]}")
    await asyncio.sleep(1)
    log("end")

run(main())
