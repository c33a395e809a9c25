# Rules 2, 3, 4: a drift-free periodic timer: each tick re-arms itself with call_at(start + n * period) and sets an Event; a task waiting on the Event clears it and counts; a sleep ending on a tick's instant runs after the tick armed before it; the stopper cancels the pending handle.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    loop = asyncio.get_running_loop()
    tick = asyncio.Event()
    start = loop.time()
    period = 0.25
    state = {"n": 0, "handle": None}

    def on_tick():
        state["n"] += 1
        log(f"tick {state['n']}")
        tick.set()
        state["handle"] = loop.call_at(start + (state["n"] + 1) * period, on_tick)

    async def counter():
        seen = 0
        while True:
            await tick.wait()
            tick.clear()
            seen += 1
            log(f"counter saw tick, seen={seen}")

    state["handle"] = loop.call_at(start + period, on_tick)
    c = asyncio.create_task(counter())
    await asyncio.sleep(0.5)
    log(f"main at 500, n={state['n']}")
    await asyncio.sleep(0.375)
    h = state["handle"]
    log(f"stop, next tick at {round(h.when() * 1000)}, cancel")
    h.cancel()
    await asyncio.sleep(0.5)
    log(f"n={state['n']} handle cancelled={h.cancelled()}")
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)

run(main())
