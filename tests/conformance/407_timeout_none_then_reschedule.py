# Rule 11: asyncio.timeout(None) never expires until rescheduled; another task sets a deadline; wait_for(x, None) waits as long as needed.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def setter(box):
    await asyncio.sleep(2)
    box[0].reschedule(asyncio.get_running_loop().time() + 0.5)
    log(f"deadline set, when={box[0].when()}")


async def main():
    box = []
    s = asyncio.create_task(setter(box))
    try:
        async with asyncio.timeout(None) as cm:
            box.append(cm)
            log(f"when={cm.when()}")
            await asyncio.sleep(10)
    except TimeoutError:
        log(f"timed out, expired={cm.expired()}")
    await s
    r = await asyncio.wait_for(asyncio.sleep(3, "slept"), None)
    log(f"wait_for(None) returned {r}")

run(main())
