# Rules 11, 12: wait_for over shield(coroutine): the timeout ends the wait, the shielded work runs to the end; cancelling a shield's caller twice.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} saved")
    return name


async def main():
    try:
        await asyncio.wait_for(asyncio.shield(save("s1", 2)), timeout=1)
    except TimeoutError:
        log("timed out waiting for s1")
    async def caller():
        try:
            await asyncio.shield(save("s2", 1))
        except asyncio.CancelledError:
            log("caller cancelled")
            raise
    c = asyncio.create_task(caller())
    await asyncio.sleep(0.5)
    c.cancel()
    await asyncio.sleep(0)
    log(f"caller cancelled={c.cancelled()}")
    await asyncio.sleep(2)
    log("end")


run(main())
