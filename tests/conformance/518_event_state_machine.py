# Rules 9: an Event-driven state machine: each state waits for its event, set by a timer or by the previous state; clear() re-arms.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def machine(events):
    state = "idle"
    for nxt in ["connecting", "ready", "closing"]:
        ev = events[nxt]
        await ev.wait()
        log(f"{state} -> {nxt}")
        state = nxt
        ev.clear()
    return state


async def main():
    events = {k: asyncio.Event() for k in ["connecting", "ready", "closing"]}
    m = asyncio.create_task(machine(events))
    loop = asyncio.get_running_loop()
    loop.call_later(0.25, events["connecting"].set)
    loop.call_later(0.25, events["ready"].set)
    await asyncio.sleep(0.5)
    log(f"ready set={events['ready'].is_set()}")
    events["closing"].set()
    log(f"final {await m}")

run(main())
