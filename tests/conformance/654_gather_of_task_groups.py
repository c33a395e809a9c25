# Rules 6, 12: gather(return_exceptions=True) over tasks that each run a TaskGroup: one group fails and its task raises an ExceptionGroup, listed in place; another task is cancelled from outside while its group waits, so its children are cancelled first and CancelledError is listed; the third returns its children's results.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d, fail=False):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    if fail:
        log(f"{name} raises")
        raise ValueError(name)
    log(f"{name} done")
    return name


async def service(label, specs):
    async with asyncio.TaskGroup() as tg:
        ts = [tg.create_task(child(f"{label}.{i}", d, f)) for i, (d, f) in enumerate(specs)]
    return [t.result() for t in ts]


def show(x):
    if isinstance(x, BaseExceptionGroup):
        return f"ExceptionGroup{[str(e) for e in x.exceptions]}"
    if isinstance(x, BaseException):
        return type(x).__name__
    return x


async def main():
    a = asyncio.create_task(service("a", [(0.25, False), (0.125, True)]))
    b = asyncio.create_task(service("b", [(0.5, False), (0.5, False)]))
    c = asyncio.create_task(service("c", [(0.125, False), (0.375, False)]))
    asyncio.get_running_loop().call_later(0.25, b.cancel)
    r = await asyncio.gather(a, b, c, return_exceptions=True)
    log(f"results {[show(x) for x in r]}")

run(main())
