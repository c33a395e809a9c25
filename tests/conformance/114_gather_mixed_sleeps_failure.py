# Rule 6: gather with mixed sleeps and a failure: the failure propagates at once, the others keep running; then return_exceptions.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fetch(name, delay, fail=False):
    log(f"{name} start")
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} fails")
        raise RuntimeError(f"{name} broke")
    log(f"{name} done")
    return name.upper()


async def main():
    try:
        r = await asyncio.gather(fetch("a", 1.5), fetch("b", 0.5, fail=True), fetch("c", 1))
        log(f"never {r}")
    except RuntimeError as e:
        log(f"gather raised {e}")
    await asyncio.sleep(1.5)
    log("after the stragglers")
    r = await asyncio.gather(fetch("d", 0.25), fetch("e", 0.25, fail=True), fetch("f", 0), return_exceptions=True)
    log(f"results {[x if isinstance(x, str) else repr(x) for x in r]}")


run(main())
