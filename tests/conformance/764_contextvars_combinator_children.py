# Rule 11 (contextvars): the tasks gather, shield and TaskGroup.create_task make copy the context current when they are called (gather's children are created inside gather()), so a set after the call is not seen by them and their sets are not seen by the caller.
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

var = contextvars.ContextVar("var", default="unset")


async def child(tag, d):
    log(f"{tag}: var={var.get()}")
    var.set(f"{tag}-set")
    await asyncio.sleep(d)
    log(f"{tag} after sleep: var={var.get()}")
    return tag


async def main():
    var.set("before gather")
    g = asyncio.gather(child("g1", 0.125), child("g2", 0.25))
    var.set("after gather call")
    log(f"gather -> {await g}, var={var.get()}")

    var.set("before shield")
    s = asyncio.shield(child("s", 0.125))
    var.set("after shield call")
    log(f"shield -> {await s}, var={var.get()}")

    async with asyncio.TaskGroup() as tg:
        var.set("before group task")
        t1 = tg.create_task(child("tg1", 0.125))
        var.set("after group task")
        t2 = tg.create_task(child("tg2", 0.0))
    log(f"group -> {t1.result()} {t2.result()}, var={var.get()}")

run(main())
