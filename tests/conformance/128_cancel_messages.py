# Rule 7: cancellation with messages: a task cancelled before its first step never runs; a gather cancelled with a message cancels its children in order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, delay):
    log(f"{name} starts")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e.args}")
        raise
    log(f"{name} done")
    return name


async def main():
    never = asyncio.create_task(child("never", 1))
    never.cancel("too early")
    try:
        await never
    except asyncio.CancelledError as e:
        log(f"never-task: {e.args} cancelled={never.cancelled()}")
    g = asyncio.gather(child("g1", 1), child("g2", 2), child("g3", 0.5))
    await asyncio.sleep(0.75)
    log(f"cancel gather -> {g.cancel('shutdown')}")
    try:
        await g
    except asyncio.CancelledError as e:
        log(f"gather cancelled: {e.args}")
    t = asyncio.create_task(child("plain", 1))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"plain: {e.args}")


run(main())
