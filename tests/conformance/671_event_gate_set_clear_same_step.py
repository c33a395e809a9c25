# Rules 1, 9: an Event used as a gate: set() then clear() in one step still lets every waiter through (each sees is_set False), then they block at the closed gate again; a gate opened by call_later and closed by the next call_soon lets them through once more; a late arrival waits for the next opening.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(gate, name, rounds):
    for r in range(rounds):
        await gate.wait()
        log(f"{name} through round {r}, is_set={gate.is_set()}")
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    gate = asyncio.Event()
    ws = [asyncio.create_task(worker(gate, n, 3)) for n in ("a", "b")]
    await asyncio.sleep(0.125)
    gate.set()
    gate.clear()
    log("set and cleared")
    await asyncio.sleep(0.125)
    late = asyncio.create_task(worker(gate, "late", 1))

    def open_gate():
        gate.set()
        log("opened")
        loop.call_soon(close_gate)

    def close_gate():
        gate.clear()
        log("closed")

    loop.call_later(0.125, open_gate)
    await asyncio.sleep(0.25)
    log(f"waiters blocked: {[w.done() for w in ws]} late done={late.done()}")
    gate.set()
    await asyncio.gather(*ws, late)
    log(f"end is_set={gate.is_set()}")

run(main())
