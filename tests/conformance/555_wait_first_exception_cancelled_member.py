# Rules 7, 12: wait(FIRST_EXCEPTION) does not return for a member cancelled from outside (a cancellation is not an exception); it returns at the first failure.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ok(name, d):
    await asyncio.sleep(d)
    log(f"{name} done")
    return name


async def bad(d):
    await asyncio.sleep(d)
    log("bad raises")
    raise ValueError("bad")


async def main():
    a = asyncio.create_task(ok("a", 1))
    b = asyncio.create_task(ok("b", 0.5))
    c = asyncio.create_task(bad(0.375))
    asyncio.get_running_loop().call_later(0.125, a.cancel)
    names = {a: "a", b: "b", c: "c"}
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_EXCEPTION)
    log(f"done={sorted(names[t] for t in done)} pending={sorted(names[t] for t in pending)}")
    log(f"a cancelled={a.cancelled()} c={c.exception()!r}")
    await b
    log("end")

run(main())