# Rules 4, 7: call_later callbacks at a task's wake-up instant: one cancels the task (armed after its sleep), so the task loses the sleep's value; another sets a future the task would await.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def sleeper(f):
    try:
        v = await asyncio.sleep(0.25, "slept")
        log(f"sleeper got {v}")
        log(f"sleeper then {await f}")
    except asyncio.CancelledError:
        log(f"sleeper cancelled f done={f.done()}")
        raise


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    t = asyncio.create_task(sleeper(f))
    await asyncio.sleep(0)
    loop.call_later(0.25, t.cancel)
    loop.call_later(0.25, f.set_result, "f")
    try:
        await t
    except asyncio.CancelledError:
        log(f"main sees cancelled f={f.result()}")

run(main())