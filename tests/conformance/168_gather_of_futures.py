# Rules 5, 6: gather over bare futures set by callbacks; cancelling the gather cancels the futures still pending.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    f1, f2 = loop.create_future(), loop.create_future()
    loop.call_later(1, f1.set_result, "one")
    loop.call_later(0.5, f2.set_result, "two")
    log(f"gathered {await asyncio.gather(f1, f2)}")
    f3, f4 = loop.create_future(), loop.create_future()
    loop.call_later(0.5, f3.set_result, "three")
    g = asyncio.gather(f3, f4)
    await asyncio.sleep(1)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        log(f"gather cancelled; f3={f3.result()} f4 cancelled={f4.cancelled()}")


run(main())
