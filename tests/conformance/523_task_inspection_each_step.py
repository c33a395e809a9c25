# Rules 1, 7: a task's done/cancelled/result/exception read at each step: before start, sleeping, finished, failed, cancelled.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def work(d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise KeyError("k")
    return d


def show(name, t):
    if not t.done():
        log(f"{name} pending")
    elif t.cancelled():
        log(f"{name} cancelled")
    elif t.exception() is not None:
        log(f"{name} raised {t.exception()!r}")
    else:
        log(f"{name} result {t.result()}")


async def main():
    a = asyncio.create_task(work(0.125), name="a")
    b = asyncio.create_task(work(0.25, fail=True), name="b")
    c = asyncio.create_task(work(0.5), name="c")
    for t in (a, b, c):
        show(t.get_name(), t)
    await asyncio.sleep(0.125)
    for t in (a, b, c):
        show(t.get_name(), t)
    c.cancel()
    show("c", c)
    await asyncio.sleep(0.125)
    for t in (a, b, c):
        show(t.get_name(), t)

run(main())
