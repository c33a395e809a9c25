# Rules 8, 12: TaskGroup children holding and waiting on a Semaphore; one holder fails: the others are cancelled, the permits all come back.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(sem, name, d, fail=False):
    try:
        async with sem:
            log(f"{name} in")
            await asyncio.sleep(d)
            if fail:
                log(f"{name} fails")
                raise ValueError(name)
            log(f"{name} out")
    except asyncio.CancelledError:
        log(f"{name} cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(2)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(user(sem, "a", 2))
            tg.create_task(user(sem, "b", 1, True))
            tg.create_task(user(sem, "c", 1))
            tg.create_task(user(sem, "d", 1))
    except* ValueError:
        log("group failed")
    log(f"locked={sem.locked()}")
    async with sem:
        async with sem:
            log("both permits back")

run(main())
