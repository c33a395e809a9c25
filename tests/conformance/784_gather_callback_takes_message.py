# Rule 7: a cancelled task hands its message to the first retrieval of its CancelledError, and the first is the first done-callback to run, not the first task to resume: a gather's _done_callback registered before another task's wake-up reads the child's exception (_make_cancelled_error) when the child ends, so the gather raises CancelledError('m') to its task, whose wake-up comes one slot after the awaiting task's, and the awaiting task, resumed first, gets CancelledError(). With the awaiting task registered first it is the other way round. Found by scripts/differential.py (seed 8501, program 32: gather-retrieval-order).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def victim():
    await asyncio.sleep(10)


async def waiting(what, t):
    try:
        await t
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")


async def gathering(what, t):
    try:
        await asyncio.gather(t)
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")


async def main():
    # The gather's callback registered first: it takes the message.
    t = asyncio.create_task(victim())
    g = asyncio.create_task(gathering("gather, registered first", t))
    a = asyncio.create_task(waiting("await, registered second", t))
    await asyncio.sleep(0)
    t.cancel("m1")
    await g
    await a
    await waiting("later await", t)

    # The awaiting task registered first: it takes the message.
    t = asyncio.create_task(victim())
    a = asyncio.create_task(waiting("await, registered first", t))
    g = asyncio.create_task(gathering("gather, registered second", t))
    await asyncio.sleep(0)
    t.cancel("m2")
    await a
    await g

    # Two gathers around an awaiting task: the first gather takes it.
    t = asyncio.create_task(victim())
    g1 = asyncio.create_task(gathering("first gather", t))
    a = asyncio.create_task(waiting("await between", t))
    g2 = asyncio.create_task(gathering("second gather", t))
    await asyncio.sleep(0)
    t.cancel("m3")
    await g1
    await a
    await g2

    # A gather(return_exceptions=True) lists it and leaves the message: a later await
    # takes it, and a gather after that gets none.
    t = asyncio.create_task(victim())
    await asyncio.sleep(0)
    t.cancel("m4")
    r = await asyncio.gather(t, return_exceptions=True)
    log(f"gather(return_exceptions=True): {r!r}")
    await waiting("await after the listing gather", t)
    await gathering("gather after the await", t)

run(main())
