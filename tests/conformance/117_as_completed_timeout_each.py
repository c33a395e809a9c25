# Rule 12: as_completed: completion order without a timeout; with a timeout, each remaining awaitable raises TimeoutError.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} ready")
    return name


async def main():
    for fut in asyncio.as_completed([job("one", 1), job("two", 0.25), job("three", 0.5)]):
        log(f"got {await fut}")
    tasks = [asyncio.create_task(job(n, d)) for n, d in [("slow", 4), ("quick", 1), ("slower", 5)]]
    for fut in asyncio.as_completed(tasks, timeout=2):
        try:
            log(f"got {await fut}")
        except TimeoutError:
            log("TimeoutError")
    log(f"pending after timeout: {sum(not t.done() for t in tasks)}")
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    log("end")


run(main())
