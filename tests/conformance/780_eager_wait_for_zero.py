# Rules 1, 11, eager tasks: with `eager_task_factory`, `wait_for(coro, 0)` (3.12) starts its wrapper task eagerly (`ensure_future`): a coroutine that returns without suspending gives its value at once, without yielding, and one that raises raises; the wrapper takes a task number (checked by the Rust port). One that suspends is cancelled (what it awaits first) and waited for: the wrapper's cancelled step, its done-callback and the caller's wake-up, three slots, then TimeoutError. Known difference `wait_for(coroutine, 0)`.
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
    log(f"{name} slept")
    return name


async def quick(name):
    log(f"{name} ran")
    return name


async def bad(name):
    log(f"{name} raises")
    raise ValueError(name)


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    t = asyncio.create_task(ticker("t", 6))
    r = await asyncio.wait_for(quick("q"), 0)
    log(f"q returned {r}")
    u = asyncio.create_task(quick("u"))
    try:
        await asyncio.wait_for(bad("b"), 0)
    except ValueError as e:
        log(f"b raised {e!r}")
    try:
        await asyncio.wait_for(work("w"), 0)
        log("w returned")
    except TimeoutError:
        log("w TimeoutError")
    await t


run(main())
