# Rule 11 (contextvars): wait_for on a task waits for a task that runs in the copy made when it was created; to_thread runs its function in a copy of the caller's context, so what the function sets is not the caller's.
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

var = contextvars.ContextVar("var", default="unset")


async def slow(tag, d):
    log(f"{tag}: var={var.get()}")
    var.set(f"{tag}-set")
    await asyncio.sleep(d)
    return var.get()


def blocking():
    seen = var.get()
    var.set("thread-set")
    return seen


async def main():
    var.set("main-1")
    t = asyncio.create_task(slow("quick", 0.125))
    var.set("main-2")
    log(f"wait_for quick -> {await asyncio.wait_for(t, 1.0)}, var={var.get()}")
    t2 = asyncio.create_task(slow("slow", 1.0))
    try:
        await asyncio.wait_for(t2, 0.25)
    except asyncio.TimeoutError:
        log(f"wait_for slow timed out, var={var.get()} cancelled={t2.cancelled()}")
    var.set("main-3")
    log(f"to_thread -> {await asyncio.to_thread(blocking)}, var={var.get()}")

run(main())
