# Rules 5, 7, 11, 12: a single-flight cache: callers of one key share a future that one fetch task fills; a caller whose wait_for expires over the bare future cancels it for every caller; awaiting shield(fut) instead keeps it for the others.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fetch(key, fut):
    await asyncio.sleep(0.25)
    if fut.done():
        log(f"fetch {key} finds the future cancelled={fut.cancelled()}")
    else:
        fut.set_result(key.upper())
        log(f"fetch {key} fills it")


async def get(cache, key, name, limit, shielded):
    fut = cache.get(key)
    if fut is None:
        fut = asyncio.get_running_loop().create_future()
        cache[key] = fut
        cache["tasks"].append(asyncio.create_task(fetch(key, fut)))
        log(f"{name} starts the fetch of {key}")
    else:
        log(f"{name} joins the fetch of {key}")
    aw = asyncio.shield(fut) if shielded else fut
    try:
        v = await asyncio.wait_for(aw, limit)
    except TimeoutError:
        log(f"{name} timed out, future cancelled={fut.cancelled()}")
        return "timeout"
    except asyncio.CancelledError:
        log(f"{name} sees CancelledError")
        return "cancelled"
    log(f"{name} got {v}")
    return v


async def round_(shielded):
    cache = {"tasks": []}
    callers = [
        asyncio.create_task(get(cache, "k", n, lim, shielded))
        for n, lim in [("a", 1), ("b", 0.125), ("c", 1)]
    ]
    r = await asyncio.gather(*callers)
    log(f"shielded={shielded} results {r}")
    await asyncio.gather(*cache["tasks"])


async def main():
    await round_(False)
    await round_(True)

run(main())
