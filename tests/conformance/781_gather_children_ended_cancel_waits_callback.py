# Rules 6, 7: a task awaits `gather(a, b)`; both children end, the gather's done-callback still queued, when the task is cancelled with a message: `_GatheringFuture.cancel()` finds nothing to cancel (False), so `Task.cancel()` sets `_must_cancel` and queues nothing: the task runs only when the gather's callback wakes it, behind a task spawned after the `cancel()`, then raises `CancelledError('stop')` (case 727's message). The same with `return_exceptions`, and with eager tasks, the later task yielding once in its eager first step (seed 8500, program 186, as found; 3.11 has no eager tasks). simloop queued the task at the `cancel()`, ahead of the later task. Found by scripts/differential.py (seed 8500, program 186).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name):
    await asyncio.sleep(0)
    log(f"{name} ends")
    return name


async def waiter(name, hs, re):
    try:
        r = await asyncio.gather(*hs, return_exceptions=re)
        log(f"{name} gathered {r}")
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e!r}")
        raise


async def other(name, yields):
    if yields:
        await asyncio.sleep(0)
    log(f"{name} runs")


async def one(name, re, eager=False):
    a = asyncio.create_task(child(f"{name}a"))
    b = asyncio.create_task(child(f"{name}b"))
    w = asyncio.create_task(waiter(name, [a, b], re))
    # Eager children queue their second step at their creation: one turn fewer.
    for _ in range(1 if eager else 2):
        await asyncio.sleep(0)
    log(f"{name} children done {a.done()} {b.done()}")
    w.cancel("stop")
    o = asyncio.create_task(other(f"{name}o", eager))
    r = await asyncio.gather(w, o, return_exceptions=True)
    log(f"{name}: {r}")


async def main():
    await one("p", False)
    await one("q", True)
    if hasattr(asyncio, "eager_task_factory"):
        # The later task starts eagerly and yields once: it is queued at its creation.
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        await one("r", False, True)


run(main())
