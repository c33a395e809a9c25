# Rule 11: a watchdog timeout pushed back by each heartbeat; when the heartbeats stop it expires.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def main():
    loop = asyncio.get_running_loop()
    beats = 0
    try:
        async with asyncio.timeout(0.25) as cm:
            while True:
                await asyncio.sleep(0.125 if beats < 3 else 0.5)
                beats += 1
                cm.reschedule(loop.time() + 0.25)
                log(f"beat {beats}, deadline {cm.when() * 1000:.0f}")
    except TimeoutError:
        log(f"watchdog fired after {beats} beats")

run(main())
