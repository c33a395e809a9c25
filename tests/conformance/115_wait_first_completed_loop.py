# Rule 12: wait(FIRST_COMPLETED) in a loop with a timeout: done sets in completion order, a timeout that passes with nothing done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} finished")
    return name


async def main():
    tasks = {asyncio.create_task(job(n, d), name=n) for n, d in [("x", 2), ("y", 0.5), ("z", 0.5), ("w", 4)]}
    pending = tasks
    rounds = 0
    while pending:
        done, pending = await asyncio.wait(pending, timeout=1.25, return_when=asyncio.FIRST_COMPLETED)
        rounds += 1
        log(f"round {rounds}: done={sorted(t.get_name() for t in done)} pending={len(pending)}")
    log("all finished")


run(main())
