# Rule 10: several tasks wait on join(); the last task_done() wakes them all in the order they joined.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def joiner(q, name):
    log(f"{name} joins")
    await q.join()
    log(f"{name} released")


async def main():
    q = asyncio.Queue()
    q.put_nowait("a")
    q.put_nowait("b")
    js = [asyncio.create_task(joiner(q, f"j{i}")) for i in range(3)]
    await asyncio.sleep(0.5)
    q.get_nowait()
    q.task_done()
    log("one done")
    await asyncio.sleep(0.5)
    q.get_nowait()
    q.task_done()
    log("two done")
    await asyncio.gather(*js)
    await q.join()
    log("join on an idle queue returns at once")

run(main())
