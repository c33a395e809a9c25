# Rule 11 (contextvars): add_done_callback on a task and on a future runs the callback in a copy of the context current when it was registered (not the task's own, not the completer's), or in the context passed as context=.
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

var = contextvars.ContextVar("var", default="unset")


def on_done(tag):
    def cb(_):
        log(f"{tag}: var={var.get()}")
        var.set(f"{tag}-set")
    return cb


async def job():
    var.set("job")
    await asyncio.sleep(0.125)
    return 1


async def completer(fut):
    var.set("completer")
    await asyncio.sleep(0.25)
    fut.set_result(2)


async def main():
    loop = asyncio.get_running_loop()
    var.set("main-1")
    t = asyncio.create_task(job())
    t.add_done_callback(on_done("task callback"))
    ctx = contextvars.copy_context()
    var.set("main-2")
    t.add_done_callback(on_done("task callback with context"), context=ctx)
    fut = loop.create_future()
    fut.add_done_callback(on_done("future callback"))
    c = asyncio.create_task(completer(fut))
    var.set("main-3")
    await t
    log(f"main after task: var={var.get()} ctx var={ctx.get(var)}")
    await fut
    await c
    await asyncio.sleep(0)
    log(f"main ends: var={var.get()} ctx var={ctx.get(var)}")

run(main())
