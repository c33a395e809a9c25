# Rule 7: a task that cancels itself runs on until its next suspension, where CancelledError arrives; cancelling() reads 1 before it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def selfish():
    me = asyncio.current_task()
    me.cancel()
    log(f"requested cancelling={me.cancelling()}")
    try:
        await asyncio.sleep(0)
        log("not reached")
    except asyncio.CancelledError:
        log("cancelled at the yield")
        raise


async def other():
    log("other runs")


async def main():
    t = asyncio.create_task(selfish())
    o = asyncio.create_task(other())
    await asyncio.gather(t, o, return_exceptions=True)
    log(f"t cancelled={t.cancelled()}")

run(main())
