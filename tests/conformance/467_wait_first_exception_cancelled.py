# Rules 7, 12: wait(FIRST_EXCEPTION) does not return for a task that was cancelled, only for one that raised.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper(d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise ValueError(f"fail {d}")
    return d


async def main():
    a = asyncio.create_task(sleeper(1))
    b = asyncio.create_task(sleeper(0.5, fail=True))
    c = asyncio.create_task(sleeper(2))
    asyncio.get_running_loop().call_later(0.25, a.cancel)
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_EXCEPTION)
    log(f"done a={a in done} b={b in done} c={c in done}, pending {len(pending)}")
    log(f"a cancelled={a.cancelled()}, b exc={b.exception()!r}")
    c.cancel()
    done, pending = await asyncio.wait([c], return_when=asyncio.FIRST_EXCEPTION)
    log(f"c done={c in done} cancelled={c.cancelled()}")

run(main())
