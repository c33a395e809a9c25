# Rule 11: nested timeouts: the inner one is disarmed with reschedule(None); the outer expires and both unwind, the inner not expired.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    try:
        async with asyncio.timeout(0.375) as outer:
            try:
                async with asyncio.timeout(0.125) as inner:
                    inner.reschedule(None)
                    log(f"inner disarmed when={inner.when()}")
                    await asyncio.sleep(1)
            finally:
                log(f"inner exits expired={inner.expired()}")
    except TimeoutError:
        log(f"outer timed out expired={outer.expired()}")

run(main())