# Rule 11 (contextvars): loop.call_soon, call_later and call_at run the callback in a copy of the context current when it was registered (what it sets is its own; what the registrant sets afterwards is not seen), or in the context passed as context=.
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

var = contextvars.ContextVar("var", default="unset")


def cb(tag):
    log(f"{tag}: var={var.get()}")
    var.set(f"{tag}-set")
    log(f"{tag}: after its set var={var.get()}")


async def worker():
    var.set("worker")
    loop = asyncio.get_running_loop()
    loop.call_soon(cb, "soon from worker")
    await asyncio.sleep(0.5)
    log(f"worker: var={var.get()}")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(cb, "soon-1")
    var.set("main-1")
    loop.call_soon(cb, "soon-2")
    loop.call_later(0.25, cb, "later")
    loop.call_at(loop.time() + 0.125, cb, "at")
    ctx = contextvars.copy_context()
    var.set("main-2")
    loop.call_soon(cb, "soon with context", context=ctx)
    loop.call_later(0.375, cb, "later with context", context=ctx)
    w = asyncio.create_task(worker())
    await asyncio.sleep(0)
    log(f"main: var={var.get()} ctx has var={ctx.get(var)}")
    await w
    log(f"main: var={var.get()} ctx has var={ctx.get(var)}")

run(main())
