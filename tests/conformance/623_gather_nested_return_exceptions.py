# Rule 6: gather(gather(a, bad), c, return_exceptions=True): the inner gather fails at bad's failure and the outer lists that error at once; a keeps running and c's result is listed when it ends.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ok(name, d):
    await asyncio.sleep(d)
    log(f"{name} done")
    return name


async def bad():
    await asyncio.sleep(0.125)
    log("bad raises")
    raise ValueError("bad")


async def main():
    a = asyncio.create_task(ok("a", 0.5))
    res = await asyncio.gather(asyncio.gather(a, bad()), ok("c", 0.25), return_exceptions=True)
    log(f"res {[r if isinstance(r, str) else repr(r) for r in res]} a done={a.done()}")
    log(f"a {await a}")

run(main())
