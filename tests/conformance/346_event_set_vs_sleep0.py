# Rules 1, 5, 9: Event.set wakes its waiter one slot later; a task looping on sleep(0) interleaves with the wake-ups.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(ev, name):
    await ev.wait()
    log(f"{name} woke")


async def spinner():
    for i in range(3):
        log(f"spin {i}")
        await asyncio.sleep(0)


async def main():
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(ev, f"w{i}")) for i in range(2)]
    await asyncio.sleep(0)
    s = asyncio.create_task(spinner())
    ev.set()
    log("set")
    await asyncio.sleep(0)
    log("main back")
    await asyncio.gather(s, *ws)

run(main())
