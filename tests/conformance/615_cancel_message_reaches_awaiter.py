# Rule 7: a task cancelled with a message: its awaiter's CancelledError carries it; gather(return_exceptions=True) lists a fresh CancelledError('') without it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def sleeper():
    await asyncio.sleep(1)


async def watcher(t):
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"watcher saw {e.args}")


async def main():
    t = asyncio.create_task(sleeper())
    w = asyncio.create_task(watcher(t))
    await asyncio.sleep(0.125)
    t.cancel("shutting down")
    res = await asyncio.gather(t, return_exceptions=True)
    log(f"gather got {type(res[0]).__name__}{res[0].args}")
    await w
    log(f"cancelled={t.cancelled()}")

run(main())
