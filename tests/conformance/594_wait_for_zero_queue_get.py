# Rules 10, 11: wait_for(q.get(), 0) never starts the get (3.12): it times out with an item in the queue, and the item stays.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    q = asyncio.Queue()
    q.put_nowait("x")
    try:
        v = await asyncio.wait_for(q.get(), 0)
        log(f"got {v}")
    except TimeoutError:
        log("first timed out")
    try:
        v = await asyncio.wait_for(q.get(), 0)
        log(f"got {v}")
    except TimeoutError:
        log(f"second timed out qsize={q.qsize()}")
    q.put_nowait("y")
    log(f"then get_nowait {q.get_nowait()}")

run(main())