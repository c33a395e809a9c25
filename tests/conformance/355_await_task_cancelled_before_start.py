# Rules 5, 7: a task awaiting a task that is cancelled before it starts: the awaiter resumes one slot after the cancellation is delivered; a second awaiter follows.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(n):
    for i in range(n):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def work():
    log("never runs")


async def awaiter(t, name):
    try:
        await t
    except asyncio.CancelledError:
        log(f"{name} sees the cancellation")


async def main():
    tk = asyncio.create_task(ticker(4))
    t = asyncio.create_task(work())
    a = asyncio.create_task(awaiter(t, "a"))
    b = asyncio.create_task(awaiter(t, "b"))
    t.cancel()
    log("cancelled before start")
    await asyncio.gather(a, b, tk)

run(main())
