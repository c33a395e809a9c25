# Rules 4, 11 (3.12): wait_for over work failing at the deadline: inline, the timeout armed first wins; over a task whose timer was armed first, the expiry still cancels it before it runs (3.11 let it fail).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def failing(d):
    await asyncio.sleep(d)
    log("task fails")
    raise ValueError("boom")


async def main():
    try:
        await asyncio.wait_for(failing(1), 1)
    except TimeoutError:
        log("timed out")
    except ValueError as e:
        log(f"failed {e}")
    t = asyncio.create_task(failing(1))
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(t, 1)
    except TimeoutError:
        log("timed out")
    except ValueError as e:
        log(f"failed {e}")

run(main())
