# Eager tasks (3.12): a free Lock, a set Event and a non-empty Queue are taken in the eager first step without waiting (the task done at spawn); a held Lock, a clear Event and an empty Queue make it wait as any task.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def user(name, lock, ev, q):
    async with lock:
        log(f"{name} holds the lock")
    await ev.wait()
    log(f"{name} saw the event")
    item = await q.get()
    log(f"{name} got {item}")
    return name


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    lock, ev, q = asyncio.Lock(), asyncio.Event(), asyncio.Queue()
    ev.set()
    q.put_nowait("x")
    a = asyncio.create_task(user("a", lock, ev, q))
    log(f"a created, done {a.done()}")
    ev.clear()
    await lock.acquire()
    b = asyncio.create_task(user("b", lock, ev, q))
    log(f"b created, done {b.done()}")
    lock.release()
    log("lock released")
    await asyncio.sleep(0)
    ev.set()
    log("event set")
    await asyncio.sleep(0)
    q.put_nowait("y")
    log("item put")
    log(f"b: {await b}")


run(main())
