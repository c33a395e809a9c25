# Rule 11: asyncio.timeout(None) has no deadline; reschedule() from inside sets one; when() reads it in ms; moved earlier it expires there; expired() after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

def ms(x):
    return "None" if x is None else str(round(x * 1000))


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as cm:
            log(f"when={ms(cm.when())}")
            await asyncio.sleep(0.125)
            cm.reschedule(loop.time() + 0.5)
            log(f"when={ms(cm.when())}")
            await asyncio.sleep(0.125)
            cm.reschedule(cm.when() - 0.25)
            log(f"moved earlier when={ms(cm.when())}")
            await asyncio.sleep(1)
            log("not reached")
    except TimeoutError:
        log(f"expired={cm.expired()} when={ms(cm.when())}")

run(main())
