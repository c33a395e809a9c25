# Rule 11 (3.12+): wait_for with a zero timeout: a finished task's result is returned; a coroutine is wrapped in a task that is cancelled before it runs; a running task is cancelled and awaited.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise
    log(f"{name} finished")
    return name


async def marker():
    log("marker runs")


async def main():
    done = asyncio.create_task(work("done", 0))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log(f"zero on finished: {await asyncio.wait_for(done, 0)!r}")
    asyncio.create_task(marker())
    try:
        await asyncio.wait_for(work("coro", 1), 0)
    except TimeoutError:
        log("zero on coroutine: TimeoutError")
    running = asyncio.create_task(work("running", 1))
    await asyncio.sleep(0)
    asyncio.create_task(marker())
    try:
        await asyncio.wait_for(running, 0)
    except TimeoutError:
        log(f"zero on running task: TimeoutError, cancelled={running.cancelled()}")


run(main())
