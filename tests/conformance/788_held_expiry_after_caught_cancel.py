# Rules 7, 9, 11: a timeout's expiry delivered to a Barrier wait (which, as a Condition wait, takes its lock again before the `CancelledError` leaves it) in work that caught a cancellation of its task earlier and did not uncancel it: the timeout's exit finds more requests than at its entry and lets the `CancelledError` through (726's rule), so the task ends cancelled, where a plain sleep there does the same. Found by scripts/differential.py (seed 8603, program 29).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

B = asyncio.Barrier(2)


async def worker(name, barrier):
    try:
        async def work():
            try:
                await asyncio.sleep(0.375)
            except asyncio.CancelledError:
                log(f"{name} caught, cancelling={asyncio.current_task().cancelling()}")
                await asyncio.sleep(0.25)
                log(f"{name} cleaned up")
            if barrier:
                await B.wait()
            else:
                await asyncio.sleep(5)
        await asyncio.wait_for(work(), 0.75)
    except TimeoutError:
        log(f"{name} timed out")
    log(f"{name} goes on")


async def main():
    for name, barrier in [("sleeper", False), ("party", True)]:
        t = asyncio.create_task(worker(name, barrier), name=name)
        await asyncio.sleep(0.25)
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            log(f"{name} ended cancelled, barrier waiting={B.n_waiting}")


run(main())
