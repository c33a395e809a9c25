# Rules 7, 12: a shielded task cancelled with a message: the shield's caller gets a CancelledError without it (asyncio's outer future is cancelled with no message), a direct awaiter gets the message; the same through wait_for(shield(t)). Found by scripts/differential.py (seed 3, program 8).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job():
    await asyncio.sleep(1)


async def shielded(t):
    try:
        await asyncio.shield(t)
    except asyncio.CancelledError as e:
        log(f"shield caller: {e!r}")


async def main():
    t = asyncio.create_task(job())
    s = asyncio.create_task(shielded(t))
    await asyncio.sleep(0)
    t.cancel("stop")
    await s
    try:
        await t
    except asyncio.CancelledError as e:
        log(f"direct awaiter: {e!r}")
    t = asyncio.create_task(job())

    async def inner():
        return await asyncio.shield(t)

    t.cancel("stop early")
    try:
        await asyncio.wait_for(inner(), 5)
    except asyncio.CancelledError as e:
        log(f"wait_for(shield): {e!r} at {asyncio.get_running_loop().time()}")


run(main())
