# Rules 8, 12: TaskGroup children holding and waiting for a Semaphore are cancelled by a sibling's failure: every permit comes back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name):
    async with sem:
        log(f"{name} in")
        await asyncio.sleep(1)


async def fail():
    await asyncio.sleep(0.25)
    raise RuntimeError("stop")


async def main():
    sem = asyncio.Semaphore(2)
    try:
        async with asyncio.TaskGroup() as tg:
            for i in range(4):
                tg.create_task(user(sem, f"u{i}"))
            tg.create_task(fail())
    except* RuntimeError:
        log(f"group failed, value={sem._value} locked={sem.locked()}")
    async with sem:
        log("main in")

run(main())
