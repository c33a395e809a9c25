# Rules 2 and 10: a task's get_name() is the name given to create_task, read from the task itself, from a done-callback (registration order, one slot after the task ends), from wait's done list and from as_completed's order of completion.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    slow = asyncio.create_task(job(0.5), name="fetch-slow")
    fast = asyncio.create_task(job(0.25), name="fetch-fast")
    log(f"started {slow.get_name()} and {fast.get_name()}")
    slow.add_done_callback(lambda t: log(f"callback: {t.get_name()} done={t.done()}"))
    fast.add_done_callback(lambda t: log(f"callback: {t.get_name()} done={t.done()}"))
    done, pending = await asyncio.wait([slow, fast], return_when=asyncio.FIRST_COMPLETED)
    (first,) = done
    (other,) = pending
    log(f"first done: {first.get_name()}, still pending: {other.get_name()}")
    a = asyncio.create_task(job(0.375), name="a")
    b = asyncio.create_task(job(0.125), name="b")
    for f in asyncio.as_completed([a, b]):
        v = await f
        log(f"completed after {v}")
    log(f"names: {[t.get_name() for t in (slow, fast, a, b)]}")


run(main())
