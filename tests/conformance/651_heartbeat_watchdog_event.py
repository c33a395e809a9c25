# Rules 7, 9, 11: a watchdog: the worker sets an Event per heartbeat, the watchdog waits with wait_for(event.wait(), 0.375) and clears it; when the worker stalls, the watchdog cancels it with a message that the worker's awaiter sees.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(beat):
    for i, d in enumerate([0.125, 0.25, 0.125, 1]):
        await asyncio.sleep(d)
        log(f"worker beat {i}")
        beat.set()
    return "finished"


async def watchdog(beat, w):
    while True:
        try:
            await asyncio.wait_for(beat.wait(), 0.375)
        except TimeoutError:
            log("watchdog: no heartbeat, cancelling the worker")
            w.cancel("stalled")
            return
        log("watchdog: heartbeat")
        beat.clear()


async def main():
    beat = asyncio.Event()
    w = asyncio.create_task(worker(beat))
    d = asyncio.create_task(watchdog(beat, w))
    try:
        await w
    except asyncio.CancelledError as e:
        log(f"main: worker cancelled {e.args}")
    await d
    log(f"end cancelled={w.cancelled()}")

run(main())
