# Rules 7, 12: a TaskGroup's abort cancels the children (cancelling() 1 each) and the body (cancelling() 1 while it unwinds); after the group the count is 0.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log(f"{name} cancelled, cancelling={asyncio.current_task().cancelling()}")
        raise


async def fail():
    await asyncio.sleep(0.25)
    raise ValueError("x")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("c"))
            tg.create_task(fail())
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                log(f"body cancelled, cancelling={asyncio.current_task().cancelling()}")
                raise
    except* ValueError:
        log(f"after group, cancelling={asyncio.current_task().cancelling()}")

run(main())
