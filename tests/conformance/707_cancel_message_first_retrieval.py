# Rule 7: a cancelled task hands its message to the first retrieval of its exception only (Task.__step keeps the CancelledError it caught in _cancelled_exc and cancels itself with no message; _make_cancelled_error gives the kept one once): a second awaiter, a later await, result() after exception(), a gather or as_completed or wait_for after the first get CancelledError(). gather(return_exceptions=True), shield, wait, cancelled() and done-callbacks do not consume it; a bare future's message is never consumed. Found by scripts/differential.py (seed 100, 14 programs of 1,100).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def victim():
    await asyncio.sleep(10)


async def cancelled(message):
    """A task cancelled with `message`, ended."""
    t = asyncio.create_task(victim())
    await asyncio.sleep(0)
    t.cancel(message)
    await asyncio.sleep(0)
    return t


async def show(what, aw):
    try:
        await aw
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")


def read(what, f):
    try:
        f()
        log(f"{what}: no error")
    except asyncio.CancelledError as e:
        log(f"{what}: {e!r}")


async def main():
    # Two awaiters waiting when it ends, then a later await.
    t = asyncio.create_task(victim())
    a1 = asyncio.create_task(show("first awaiter", t))
    a2 = asyncio.create_task(show("second awaiter", t))
    await asyncio.sleep(0)
    t.cancel("m1")
    await a1
    await a2
    await show("later await", t)

    t = await cancelled("m2")
    read("result()", t.result)
    read("exception() after result()", t.exception)

    t = await cancelled("m3")
    read("exception()", t.exception)
    await show("await after exception()", t)

    t = await cancelled("m4")
    log(f"cancelled(): {t.cancelled()}")
    await show("gather", asyncio.gather(t))
    await show("await after gather", t)

    t = await cancelled("m5")
    r = await asyncio.gather(t, return_exceptions=True)
    log(f"gather(return_exceptions=True): {r!r}")
    await show("await after gather(return_exceptions=True)", t)

    t = await cancelled("m6")
    await show("shield of a cancelled task (shield returns the task)", asyncio.shield(t))
    await show("await after shield", t)

    t = asyncio.create_task(victim())
    s = asyncio.create_task(show("shield", asyncio.shield(t)))
    await asyncio.sleep(0)
    t.cancel("m6b")
    await s
    await show("await after shield", t)

    t = await cancelled("m7")
    done, _ = await asyncio.wait([t])
    log(f"wait: {len(done)} done")
    read("result() after wait", t.result)

    t = await cancelled("m8")
    for f in asyncio.as_completed([t]):
        await show("as_completed", f)
    await show("await after as_completed", t)

    t = await cancelled("m9")
    await show("wait_for", asyncio.wait_for(t, 5))
    await show("await after wait_for", t)

    t = asyncio.create_task(victim())
    t.add_done_callback(lambda t: log(f"done-callback: cancelled() {t.cancelled()}"))
    await asyncio.sleep(0)
    t.cancel("m10")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await show("await after done-callback", t)

    t = asyncio.create_task(victim())
    t.add_done_callback(lambda t: read("done-callback's result()", t.result))
    await asyncio.sleep(0)
    t.cancel("m11")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await show("await after done-callback's result()", t)

    inner = asyncio.create_task(victim())
    outer = asyncio.create_task(show("awaiting task", inner))
    await asyncio.sleep(0)
    inner.cancel("m12")
    await outer
    await show("await inner after its awaiter", inner)

    f = asyncio.get_running_loop().create_future()
    f.cancel("future")
    await show("future, first await", f)
    await show("future, second await", f)
    read("future's result()", f.result)


run(main())
