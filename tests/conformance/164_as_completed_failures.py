# Rule 12: as_completed hands back failures in completion order too; the loop handles each and goes on.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(f"{name} failed")
    return name


async def main():
    specs = [("a", 1, False), ("b", 0.5, True), ("c", 1.5, False), ("d", 0.25, True)]
    tasks = [asyncio.create_task(job(*s)) for s in specs]
    for fut in asyncio.as_completed(tasks):
        try:
            log(f"ok {await fut}")
        except ValueError as e:
            log(f"error {e}")
    log("end")


run(main())
