# Rules 1, 11: `wait_for(coro, 0)` (3.12) wraps the coroutine in a task (`ensure_future`), cancels it before it starts and waits for it (`_cancel_and_wait`): the wrapper's cancelled step, its done-callback (`_release_waiter`) and the caller's wake-up are three ready-queue slots, so a task stepping meanwhile logs twice before the caller's TimeoutError; the coroutine never runs, quick or not; the wrapper takes a task number (the next task is one further on: checked by the Rust port, as a scenario cannot read an unnamed task's `Task-N`). The caller cancelled while it waits gets the CancelledError with the message, not TimeoutError. Known difference `wait_for(coroutine, 0)` (seed 100, program 1097).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def ticker(name, n):
    for i in range(n):
        log(f"{name} tick {i}")
        await asyncio.sleep(0)


async def work(name):
    log(f"{name} started")
    await asyncio.sleep(1)
    return name


async def quick(name):
    log(f"{name} ran")
    return name


async def waits(name):
    try:
        await asyncio.wait_for(work(name), 0)
        log(f"{name} returned")
    except TimeoutError:
        log(f"{name} TimeoutError")
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e!r}")
        raise


async def main():
    t = asyncio.create_task(ticker("t", 6))
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(work("w"), 0)
    except TimeoutError:
        log("w TimeoutError")
    u = asyncio.create_task(quick("u"))
    await u
    try:
        await asyncio.wait_for(quick("q"), 0)
        log("q returned")
    except TimeoutError:
        log("q TimeoutError")
    h = asyncio.create_task(waits("x"))
    await asyncio.sleep(0)
    h.cancel("stop")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"x: {r}")
    h = asyncio.create_task(waits("y"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    h.cancel("late")
    r = await asyncio.gather(h, return_exceptions=True)
    log(f"y: {r}")
    await t


run(main())
