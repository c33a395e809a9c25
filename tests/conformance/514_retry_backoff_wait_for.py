# Rules 3, 11: retries with doubling backoff, each attempt under wait_for: attempts that time out are cancelled, the third succeeds.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

attempts = 0

async def flaky():
    global attempts
    attempts += 1
    n = attempts
    try:
        await asyncio.sleep(1.0 if n < 3 else 0.125)
        return f"ok on {n}"
    except asyncio.CancelledError:
        log(f"attempt {n} cancelled")
        raise


async def main():
    delay = 0.125
    for i in range(5):
        try:
            r = await asyncio.wait_for(flaky(), 0.25)
            log(f"got {r!r}")
            break
        except TimeoutError:
            log(f"timeout {i}, backing off {delay}")
            await asyncio.sleep(delay)
            delay *= 2
    log("done")

run(main())
