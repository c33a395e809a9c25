# Rules 7, 12: wait(FIRST_EXCEPTION): a task cancelled from outside is not an exception, so the wait goes on until a real failure; done holds both.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} fails")
        raise OSError(name)
    log(f"{name} done")
    return name


async def main():
    a = asyncio.create_task(job("a", 2))
    b = asyncio.create_task(job("b", 1.5, True))
    c = asyncio.create_task(job("c", 3))
    asyncio.get_running_loop().call_later(0.5, a.cancel)
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_EXCEPTION)
    names = {a: "a", b: "b", c: "c"}
    log(f"done {sorted(names[t] for t in done)} pending {sorted(names[t] for t in pending)}")
    log(f"a cancelled={a.cancelled()} b exception={b.exception()!r}")
    done, pending = await asyncio.wait([a, c], return_when=asyncio.FIRST_EXCEPTION)
    log(f"second wait done {sorted(names[t] for t in done)} pending {len(pending)}")

run(main())
