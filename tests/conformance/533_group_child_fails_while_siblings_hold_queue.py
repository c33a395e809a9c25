# Rules 10, 12: TaskGroup workers blocked on Queue.get are cancelled when one worker fails; the queue keeps its items.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def worker(q, name):
    try:
        while True:
            item = await q.get()
            if item == "bad":
                raise RuntimeError(f"{name} got bad")
            log(f"{name} handled {item}")
            await asyncio.sleep(0.125)
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    q = asyncio.Queue()
    for item in ["a", "b", "c", "bad", "d", "e"]:
        q.put_nowait(item)
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(3):
                tg.create_task(worker(q, f"w{i}"))
    except* RuntimeError as eg:
        log(f"group failed: {[str(e) for e in eg.exceptions]}")
    log(f"left {q.qsize()}")

run(main())
