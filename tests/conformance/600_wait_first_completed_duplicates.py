# Rule 12: wait() takes a set: a task listed twice counts once; FIRST_COMPLETED returns at the first end, the duplicate in neither set twice.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def work(name, d):
    await asyncio.sleep(d)
    log(f"{name} done")
    return name


async def main():
    a = asyncio.create_task(work("a", 0.25))
    b = asyncio.create_task(work("b", 0.125))
    done, pending = await asyncio.wait([a, a, b, b], return_when=asyncio.FIRST_COMPLETED)
    log(f"done={len(done)} pending={len(pending)} b in done={b in done}")
    done, pending = await asyncio.wait([a, b, a])
    log(f"done={len(done)} pending={len(pending)}")

run(main())
