# Rule 9: Barrier(3): parties arriving at different times, the last passes first; Event.set wakes every waiter, even with clear() right after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(barrier, name, delay):
    await asyncio.sleep(delay)
    log(f"{name} arrives")
    idx = await barrier.wait()
    log(f"{name} passes with index {idx}")


async def waiter(ev, name):
    log(f"{name} waits")
    await ev.wait()
    log(f"{name} woke, set={ev.is_set()}")


async def main():
    b = asyncio.Barrier(3)
    await asyncio.gather(party(b, "p0", 0.5), party(b, "p1", 1), party(b, "p2", 0.25))
    log(f"round 1 over, waiting={b.n_waiting}")
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0.5)
    ev.set()
    ev.clear()
    log("set and cleared")
    await asyncio.gather(*ws)
    await ev.wait() if ev.is_set() else log("event is clear")


run(main())
