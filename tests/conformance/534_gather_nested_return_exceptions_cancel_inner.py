# Rules 6, 7: an inner gather cancelled while an outer gather(return_exceptions=True) waits: the outer lists CancelledError for it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def leaf(name, d):
    try:
        await asyncio.sleep(d)
        return name
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    inner = asyncio.gather(leaf("a", 0.25), leaf("b", 0.5))
    outer = asyncio.gather(inner, leaf("c", 0.125), return_exceptions=True)
    asyncio.get_running_loop().call_later(0.375, inner.cancel)
    res = await outer
    log(repr(res))

run(main())
