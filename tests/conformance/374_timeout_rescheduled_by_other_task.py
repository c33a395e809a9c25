# Rules 5, 11: a timeout's deadline is moved by another task while the body waits: later, then into the past, which queues the expiry at once (call_soon): the mover sees expired() True before the body resumes, and reschedule() is then refused.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def mover(cm_box):
    await asyncio.sleep(0.5)
    cm = cm_box[0]
    cm.reschedule(asyncio.get_running_loop().time() + 2)
    log("moved to 2.5")
    await asyncio.sleep(1)
    cm.reschedule(asyncio.get_running_loop().time() - 1)
    log(f"moved into the past, expired={cm.expired()}")
    await asyncio.sleep(0)
    log(f"mover after one yield, expired={cm.expired()}")
    try:
        cm.reschedule(None)
    except RuntimeError:
        log("reschedule refused: expiring")


async def main():
    box = []
    m = asyncio.create_task(mover(box))
    try:
        async with asyncio.timeout(1) as cm:
            box.append(cm)
            await asyncio.sleep(5)
    except TimeoutError:
        log(f"timed out, expired={cm.expired()}")
    await m

run(main())
