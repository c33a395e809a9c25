# Rules 9, 12: TaskGroup children wait at a Barrier; a sibling fails: the waiters are cancelled, the barrier is left whole (not broken, nobody waiting), and a new round passes.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def party(b, name):
    try:
        i = await b.wait()
        log(f"{name} passes as {i}")
    except asyncio.CancelledError:
        log(f"{name} cancelled at the barrier")
        raise


async def bad():
    await asyncio.sleep(1)
    raise KeyError("bad")


async def main():
    b = asyncio.Barrier(3)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(party(b, "p1"))
            tg.create_task(party(b, "p2"))
            tg.create_task(bad())
    except* KeyError:
        log(f"group failed, n_waiting={b.n_waiting} broken={b.broken}")
    await asyncio.gather(party(b, "q1"), party(b, "q2"), party(b, "q3"))

run(main())
